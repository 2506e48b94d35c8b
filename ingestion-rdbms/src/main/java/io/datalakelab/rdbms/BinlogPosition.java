package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where to resume reading the binlog: the first event after the last transaction whose changes are in Kafka.
 * {@code snapshotDone} is false while an initial snapshot is still being written.
 */
public record BinlogPosition(String file, long position, boolean snapshotDone) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public BinlogPosition {
        if (file == null || file.isBlank() || position < 4) {
            throw new IllegalArgumentException("not a binlog position: " + file + ":" + position);
        }
    }

    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("file", file);
        node.put("pos", position);
        node.put("snapshot_done", snapshotDone);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BinlogPosition fromJson(byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            return new BinlogPosition(node.get("file").asText(), node.get("pos").asLong(), node.path("snapshot_done").asBoolean(true));
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
        return file + ":" + position;
    }
}
