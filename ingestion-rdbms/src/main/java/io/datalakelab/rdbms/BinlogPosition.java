package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where to resume reading the binlog: the first event after the last transaction whose changes are in Kafka.
 * {@code snapshotDone} is false while an initial snapshot is still being written. {@code gtids} is the server's
 * GTID state at that point when known (MariaDB {@code 0-1-42}, MySQL {@code uuid:1-42}), else null: with it, the
 * capture resumes by GTID, which holds on any server of the replication topology, not just the one whose binlog
 * file and position these are. {@code snapshot} is how far the initial snapshot got while it runs, and which
 * attempt read which rows while streaming catches up with a resumed one; null otherwise.
 */
public record BinlogPosition(String file, long position, boolean snapshotDone, String gtids, SnapshotProgress snapshot) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public BinlogPosition {
        if (file == null || file.isBlank() || position < 4) {
            throw new IllegalArgumentException("not a binlog position: " + file + ":" + position);
        }
        gtids = gtids == null || gtids.isBlank() ? null : gtids;
    }

    public BinlogPosition(String file, long position, boolean snapshotDone, String gtids) {
        this(file, position, snapshotDone, gtids, null);
    }

    public BinlogPosition(String file, long position, boolean snapshotDone) {
        this(file, position, snapshotDone, null, null);
    }

    public BinlogPosition withSnapshotDone() {
        return new BinlogPosition(file, position, true, gtids, snapshot);
    }

    public BinlogPosition withGtids(String state) {
        return new BinlogPosition(file, position, snapshotDone, state, snapshot);
    }

    public BinlogPosition withSnapshot(SnapshotProgress progress) {
        return new BinlogPosition(file, position, snapshotDone, gtids, progress);
    }

    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("file", file);
        node.put("pos", position);
        node.put("snapshot_done", snapshotDone);
        if (gtids != null) {
            node.put("gtids", gtids);
        }
        if (snapshot != null) {
            node.set("snapshot", snapshot.toJson());
        }
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BinlogPosition fromJson(byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            return new BinlogPosition(node.get("file").asText(), node.get("pos").asLong(), node.path("snapshot_done").asBoolean(true),
                    node.hasNonNull("gtids") ? node.get("gtids").asText() : null,
                    node.hasNonNull("snapshot") ? SnapshotProgress.fromJson(node.get("snapshot")) : null);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the stored binlog position is not readable: " + new String(json, java.nio.charset.StandardCharsets.UTF_8), e);
        }
    }

    /** True if this position is at or after {@code other} (binlog files are numbered in order). */
    public boolean isAtOrAfter(BinlogPosition other) {
        int files = file.compareTo(other.file);
        return files > 0 || files == 0 && position >= other.position;
    }

    @Override
    public String toString() {
        return file + ":" + position + (gtids == null ? "" : " (GTIDs " + gtids + ")");
    }
}
