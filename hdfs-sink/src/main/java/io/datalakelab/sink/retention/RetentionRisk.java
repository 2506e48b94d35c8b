package io.datalakelab.sink.retention;

import org.apache.kafka.common.TopicPartition;

/**
 * How close a partition's oldest record that is not yet landed in HDFS is to being deleted by the topic's
 * retention: {@code ageMs / retentionMs}. At 1.0 Kafka may delete it; a crash of the sink after that loses it.
 *
 * @param oldestUnlandedOffset offset of that record, or -1 when everything is landed
 * @param retentionMs          the topic's retention.ms; -1 means kept forever
 */
public record RetentionRisk(TopicPartition partition, long oldestUnlandedOffset, long ageMs, long retentionMs) {

    public static RetentionRisk none(TopicPartition partition, long retentionMs) {
        return new RetentionRisk(partition, -1, 0, retentionMs);
    }

    public double ratio() {
        return retentionMs <= 0 || oldestUnlandedOffset < 0 ? 0.0 : (double) ageMs / retentionMs;
    }

    public String describe() {
        if (oldestUnlandedOffset < 0) {
            return partition + ": everything landed";
        }
        java.time.Duration left = java.time.Duration.ofMillis(Math.max(0, retentionMs - ageMs));
        String when = left.toHours() >= 1 ? left.toHours() + " h" : left.toMinutes() >= 1 ? left.toMinutes() + " min" : left.toSeconds() + " s";
        return String.format("%s: oldest unlanded record (offset %d) is %.0f%% of retention.ms old; Kafka may delete it in %s",
                partition, oldestUnlandedOffset, ratio() * 100, when);
    }
}
