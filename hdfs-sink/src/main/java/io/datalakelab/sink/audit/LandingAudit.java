package io.datalakelab.sink.audit;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.sink.commit.OffsetRecovery;
import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.LakeLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Reads back what the sink landed for a topic of sensor readings and proves, by per-device sequence numbers
 * and by the offset ranges in committed file names, that nothing was lost or landed twice.
 */
public final class LandingAudit {

    private final FileSystem fs;
    private final LakeLayout layout;
    private final OffsetRecovery recovery;

    public LandingAudit(FileSystem fs, LakeLayout layout) {
        this.fs = fs;
        this.layout = layout;
        this.recovery = new OffsetRecovery(fs, layout);
    }

    /**
     * @param topic            the topic's directory to read
     * @param site             only readings of this site count; {@code null} for all
     * @param fromPartitionDir only files in time partitions at or after this one (e.g. {@code dt=2026-11-23/hr=09}); {@code null} for all
     * @param expectedRecords  how many distinct readings should be there; empty when unknown
     */
    public AuditReport audit(String topic, String site, String fromPartitionDir, OptionalLong expectedRecords) throws IOException {
        List<FileStatus> statuses = recovery.committedFileStatuses(topic);
        long[] overlapsAndGaps = offsetOverlapsAndGaps(statuses);

        Map<String, BitSet> seen = new HashMap<>();
        Map<Integer, Long> perPartition = new TreeMap<>();
        long records = 0;
        long duplicated = 0;
        long unreadable = 0;
        long files = 0;
        long lastModified = 0;
        String topicDir = layout.topicDir(topic).toUri().getPath();
        for (FileStatus status : statuses) {
            String dirs = status.getPath().getParent().toUri().getPath().substring(topicDir.length()).replaceFirst("^/", "");
            if (fromPartitionDir != null && dirs.compareTo(fromPartitionDir) < 0) {
                continue;
            }
            files++;
            int partition = CommittedFileName.parse(status.getPath().getName()).orElseThrow().partition();
            boolean matched = false;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(status.getPath()), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    SensorReading reading;
                    try {
                        reading = SensorReadingCodec.fromJson(line.getBytes(StandardCharsets.UTF_8));
                    } catch (InvalidRecordException e) {
                        unreadable++;
                        continue;
                    }
                    if (site != null && !site.equals(reading.site())) {
                        continue;
                    }
                    matched = true;
                    records++;
                    perPartition.merge(partition, 1L, Long::sum);
                    BitSet sequences = seen.computeIfAbsent(reading.deviceId(), d -> new BitSet());
                    int sequence = Math.toIntExact(reading.sequence());
                    if (sequences.get(sequence)) {
                        duplicated++;
                    } else {
                        sequences.set(sequence);
                    }
                }
            }
            if (matched) {
                lastModified = Math.max(lastModified, status.getModificationTime());
            }
        }
        long distinct = 0;
        long missing = 0;
        for (BitSet sequences : seen.values()) {
            int count = sequences.cardinality();
            distinct += count;
            missing += sequences.length() - 1 - count;
        }
        long lost = expectedRecords.isPresent() ? Math.max(0, expectedRecords.getAsLong() - distinct) : missing;
        return new AuditReport(topic, files, records, perPartition, seen.size(), duplicated, missing, lost,
                overlapsAndGaps[0], overlapsAndGaps[1], unreadable, lastModified);
    }

    /** Offsets covered twice and offsets covered by no file, between the first and last file of each partition. */
    static long[] offsetOverlapsAndGaps(List<FileStatus> statuses) {
        Map<Integer, List<CommittedFileName>> byPartition = new HashMap<>();
        for (FileStatus status : statuses) {
            CommittedFileName name = CommittedFileName.parse(status.getPath().getName()).orElseThrow();
            byPartition.computeIfAbsent(name.partition(), p -> new ArrayList<>()).add(name);
        }
        long overlaps = 0;
        long gaps = 0;
        for (List<CommittedFileName> names : byPartition.values()) {
            names.sort(Comparator.comparingLong(CommittedFileName::startOffset));
            long coveredUpTo = -1;
            for (CommittedFileName name : names) {
                if (coveredUpTo >= 0 && name.startOffset() <= coveredUpTo) {
                    overlaps += Math.min(coveredUpTo, name.endOffset()) - name.startOffset() + 1;
                } else if (coveredUpTo >= 0 && name.startOffset() > coveredUpTo + 1) {
                    gaps += name.startOffset() - coveredUpTo - 1;
                }
                coveredUpTo = Math.max(coveredUpTo, name.endOffset());
            }
        }
        return new long[] {overlaps, gaps};
    }
}
