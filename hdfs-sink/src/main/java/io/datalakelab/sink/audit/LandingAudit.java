package io.datalakelab.sink.audit;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.sink.commit.OffsetRecovery;
import io.datalakelab.sink.format.RecordFiles;
import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.LakeLayout;
import io.datalakelab.sink.retention.LostRange;
import io.datalakelab.sink.retention.LostRangeReports;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
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
        List<CommittedFileName> files = new ArrayList<>();
        Map<String, List<CommittedFileName>> filesByDirectory = new HashMap<>();
        for (FileStatus status : statuses) {
            CommittedFileName name = CommittedFileName.parse(status.getPath().getName()).orElseThrow();
            files.add(name);
            filesByDirectory.computeIfAbsent(status.getPath().getParent().toString(), d -> new ArrayList<>()).add(name);
        }
        List<LostRange> reportedLost = new LostRangeReports(fs, layout).read(topic);
        long overlaps = overlaps(filesByDirectory);
        long gaps = gaps(files, reportedLost);

        Map<String, DeviceSequences> seen = new HashMap<>();
        Set<String> laterRuns = new HashSet<>();
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
            FileTally tally = new FileTally();
            RecordFiles.forEachRecord(fs, status.getPath(), node -> {
                SensorReading reading;
                try {
                    reading = SensorReadingCodec.fromJsonNode(node);
                } catch (InvalidRecordException e) {
                    tally.unreadable++;
                    return;
                }
                if (site != null && !site.equals(reading.site())) {
                    return;
                }
                tally.records++;
                DeviceSequences sequences = seen.computeIfAbsent(reading.deviceId(), d -> new DeviceSequences());
                int sequence = Math.toIntExact(reading.sequence());
                if (sequences.add(sequence, reading.eventTime())) {
                    return;
                }
                // Seen before: the same reading twice, or a reading of a later run of a device whose counter started again.
                if (sequences.eventTime(sequence) == reading.eventTime()
                        || !laterRuns.add(reading.deviceId() + '\u0000' + sequence + '\u0000' + reading.eventTime())) {
                    tally.duplicated++;
                }
            });
            records += tally.records;
            duplicated += tally.duplicated;
            unreadable += tally.unreadable;
            boolean matched = tally.records > 0;
            if (matched) {
                perPartition.merge(partition, tally.records, Long::sum);
            }
            if (matched) {
                lastModified = Math.max(lastModified, status.getModificationTime());
            }
        }
        long distinct = laterRuns.size();
        long missing = 0;
        for (DeviceSequences sequences : seen.values()) {
            int count = sequences.seen.cardinality();
            distinct += count;
            missing += sequences.seen.length() - 1 - count;
        }
        long lost = expectedRecords.isPresent() ? Math.max(0, expectedRecords.getAsLong() - distinct) : missing;
        long reportedLostRecords = reportedLost.stream().mapToLong(LostRange::count).sum();
        return new AuditReport(topic, filesRead, records, perPartition, seen.size(), duplicated, laterRuns.size(), missing, lost,
                overlaps, gaps, reportedLostRecords, unreadable, lastModified);
    }

    /** One device's sequence numbers seen so far, each with the event time of its first reading. */
    private static final class DeviceSequences {
        final BitSet seen = new BitSet();
        private long[] eventTimes = new long[64];

        /** Records the reading; false when its sequence number was seen before. */
        boolean add(int sequence, long eventTime) {
            if (seen.get(sequence)) {
                return false;
            }
            seen.set(sequence);
            if (sequence >= eventTimes.length) {
                eventTimes = java.util.Arrays.copyOf(eventTimes, Math.max(sequence + 1, eventTimes.length * 2));
            }
            eventTimes[sequence] = eventTime;
            return true;
        }

        long eventTime(int sequence) {
            return eventTimes[sequence];
        }
    }

    /** Counts of one file, filled in by the reader's callback. */
    private static final class FileTally {
        long records;
        long duplicated;
        long unreadable;
    }

    /**
     * Offsets that more than one file of the same directory claims: each is a record landed twice there. Across
     * directories ranges may overlap legitimately (a batch spread over several time partitions has one file of
     * its range in each, and compaction merges the files of one directory into one wider range); a record landed
     * twice in different directories is caught by the sequence numbers instead.
     */
    static long overlaps(Map<String, List<CommittedFileName>> filesByDirectory) {
        long overlaps = 0;
        for (List<CommittedFileName> files : filesByDirectory.values()) {
            overlaps += overlapsWithin(files);
        }
        return overlaps;
    }

    private static long overlapsWithin(List<CommittedFileName> files) {
        long overlaps = 0;
        for (List<long[]> ranges : rangesByPartition(files, List.of()).values()) {
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
