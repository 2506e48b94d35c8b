package io.datalakelab.sink.audit;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.sink.commit.OffsetRecovery;
import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.LakeLayout;
import io.datalakelab.sink.retention.LostRange;
import io.datalakelab.sink.retention.LostRangeReports;
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
        List<CommittedFileName> files = statuses.stream()
                .map(status -> CommittedFileName.parse(status.getPath().getName()).orElseThrow()).toList();
        List<LostRange> reportedLost = new LostRangeReports(fs, layout).read(topic);
        long overlaps = overlaps(files);
        long gaps = gaps(files, reportedLost);

        Map<String, BitSet> seen = new HashMap<>();
        Map<Integer, Long> perPartition = new TreeMap<>();
        long records = 0;
        long duplicated = 0;
        long unreadable = 0;
        long filesRead = 0;
        long lastModified = 0;
        String topicDir = layout.topicDir(topic).toUri().getPath();
        for (FileStatus status : statuses) {
            String dirs = status.getPath().getParent().toUri().getPath().substring(topicDir.length()).replaceFirst("^/", "");
            if (fromPartitionDir != null && dirs.compareTo(fromPartitionDir) < 0) {
                continue;
            }
            filesRead++;
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
        long reportedLostRecords = reportedLost.stream().mapToLong(LostRange::count).sum();
        return new AuditReport(topic, filesRead, records, perPartition, seen.size(), duplicated, missing, lost,
                overlaps, gaps, reportedLostRecords, unreadable, lastModified);
    }

    /**
     * Offsets that more than one batch claims: each is a record landed twice. The files of one batch share
     * its name (and range) in different directories, so identical ranges count once.
     */
    static long overlaps(List<CommittedFileName> files) {
        long overlaps = 0;
        List<CommittedFileName> batches = files.stream()
                .map(f -> new CommittedFileName(f.topic(), f.partition(), f.startOffset(), f.endOffset(), f.extension()))
                .distinct().toList();
        for (List<long[]> ranges : rangesByPartition(batches, List.of()).values()) {
            long coveredUpTo = -1;
            for (long[] range : ranges) {
                if (coveredUpTo >= 0 && range[0] <= coveredUpTo) {
                    overlaps += Math.min(coveredUpTo, range[1]) - range[0] + 1;
                }
                coveredUpTo = Math.max(coveredUpTo, range[1]);
            }
        }
        return overlaps;
    }

    /**
     * Offsets between a partition's first and last committed file that neither a file nor a {@code _LOST}
     * report accounts for: records that vanished without a word.
     */
    static long gaps(List<CommittedFileName> files, List<LostRange> reportedLost) {
        long gaps = 0;
        for (List<long[]> ranges : rangesByPartition(files, reportedLost).values()) {
            long coveredUpTo = -1;
            for (long[] range : ranges) {
                if (coveredUpTo >= 0 && range[0] > coveredUpTo + 1) {
                    gaps += range[0] - coveredUpTo - 1;
                }
                coveredUpTo = Math.max(coveredUpTo, range[1]);
            }
        }
        return gaps;
    }

    private static Map<Integer, List<long[]>> rangesByPartition(List<CommittedFileName> files, List<LostRange> lost) {
        Map<Integer, List<long[]>> byPartition = new HashMap<>();
        files.forEach(f -> byPartition.computeIfAbsent(f.partition(), p -> new ArrayList<>()).add(new long[] {f.startOffset(), f.endOffset()}));
        lost.forEach(l -> byPartition.computeIfAbsent(l.partition(), p -> new ArrayList<>()).add(new long[] {l.fromOffset(), l.toOffset()}));
        byPartition.values().forEach(ranges -> ranges.sort(Comparator.comparingLong(r -> r[0])));
        return byPartition;
    }
}
