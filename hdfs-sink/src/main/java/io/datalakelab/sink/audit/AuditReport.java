package io.datalakelab.sink.audit;

import java.util.Map;

/**
 * What a {@link LandingAudit} found in HDFS for one topic.
 *
 * @param files              committed files read
 * @param records            readings read that matched the filter
 * @param recordsPerPartition those readings by Kafka partition
 * @param devices            distinct devices among them
 * @param duplicated         readings whose (device, sequence, event time) was already seen: the same reading landed twice
 * @param restartedSequences readings whose (device, sequence) was already seen with another event time: the device's
 *                           counter started again (a reset device, the simulator run again with the same devices); not
 *                           duplicates, but a reading missing from a later run is only seen as missing if no run had it
 * @param missing            sequence numbers absent below each device's highest one
 * @param lost               readings expected but absent: expected minus distinct when an expectation was given, else {@code missing}
 * @param offsetOverlaps     offsets covered by more than one committed file (any is a duplicate landing)
 * @param offsetGaps         offsets between consecutive committed files that neither a file nor a {@code _LOST} report covers
 * @param reportedLost       offsets the sink reported in {@code _LOST} as expired in Kafka before it landed them
 * @param unreadableLines    lines that are not a sensor reading
 * @param lastFileModifiedMs modification time of the newest file holding a matching reading, epoch ms
 */
public record AuditReport(String topic, long files, long records, Map<Integer, Long> recordsPerPartition, long devices,
                          long duplicated, long restartedSequences, long missing, long lost, long offsetOverlaps, long offsetGaps, long reportedLost, long unreadableLines,
                          long lastFileModifiedMs) {

    /** Nothing lost, nothing landed twice. */
    public boolean isExact() {
        return lost == 0 && duplicated == 0 && missing == 0 && offsetOverlaps == 0;
    }
}
