package io.datalakelab.core.topic;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How a topic is created: partitions, replication, min in-sync replicas and retention.
 * {@link #forBrokers} clamps replication to a smaller cluster so that the one-broker lab works too.
 */
public record TopicSpec(String name, int partitions, short replicationFactor, int minInSyncReplicas, Duration retention) {

    /** Seven days, Kafka's own default and the course's figure of 168 hours. */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(168);

    public TopicSpec {
        Topics.requireLegal(name);
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1, was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("topic " + name + ": replication factor must be >= 1, was " + replicationFactor);
        }
        if (minInSyncReplicas < 1 || minInSyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("topic " + name + ": min.insync.replicas must be between 1 and the replication factor "
                    + replicationFactor + ", was " + minInSyncReplicas);
        }
    }

    /** The contract's default for {@code iot.sensor-readings}: 6 partitions, RF 3, min ISR 2, 168 h. */
    public static TopicSpec sensorReadings() {
        return new TopicSpec(Topics.SENSOR_READINGS, 6, (short) 3, 2, DEFAULT_RETENTION);
    }

    /** The same spec fitted to a cluster of {@code brokers}: RF and min ISR never exceed what the cluster can hold. */
    public TopicSpec forBrokers(int brokers) {
        short rf = (short) Math.min(replicationFactor, brokers);
        return new TopicSpec(name, partitions, rf, Math.min(minInSyncReplicas, rf), retention);
    }

    public NewTopic toNewTopic() {
        return new NewTopic(name, partitions, replicationFactor).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInSyncReplicas)));
    }
}
