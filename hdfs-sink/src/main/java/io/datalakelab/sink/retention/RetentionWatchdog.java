package io.datalakelab.sink.retention;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Measures, per partition, the age of the oldest record the sink has not landed yet against the topic's
 * {@code retention.ms}. When the sink holds that record in an open file its timestamp is known; when the
 * sink lags (paused by an HDFS outage, or slower than the producers) a group-less consumer reads the one
 * record at that offset to learn it.
 */
public final class RetentionWatchdog implements AutoCloseable {

    private static final Duration RETENTION_REFRESH = Duration.ofMinutes(5);

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> peek;
    private final Map<String, Long> retentionByTopic = new HashMap<>();
    private long retentionReadAtMs;

    public RetentionWatchdog(String bootstrapServers) {
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "hdfs-sink-retention");
        this.admin = Admin.create(adminProps);
        Properties peekProps = new Properties();
        peekProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        peekProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "hdfs-sink-retention-peek");
        peekProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        peekProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        peekProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        peekProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.peek = new KafkaConsumer<>(peekProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * @param oldestUnlanded the first offset not landed of each partition
     * @param knownTimestamp the timestamp of that record where the sink already holds it
     * @param logEnd         each partition's end offset
     */
    public RetentionRisk assess(TopicPartition tp, long oldestUnlanded, Long knownTimestamp, long logEnd, long nowMs)
            throws InterruptedException {
        long retentionMs = retentionMs(tp.topic(), nowMs);
        if (oldestUnlanded >= logEnd) {
            return RetentionRisk.none(tp, retentionMs);
        }
        if (knownTimestamp != null) {
            return new RetentionRisk(tp, oldestUnlanded, Math.max(0, nowMs - knownTimestamp), retentionMs);
        }
        java.util.Optional<Oldest> oldest = firstRecordFrom(tp, oldestUnlanded, logEnd);
        if (oldest.isEmpty()) {
            return RetentionRisk.none(tp, retentionMs); // only transaction markers (or aborted records) left: nothing to land
        }
        return new RetentionRisk(tp, oldest.get().offset(), Math.max(0, nowMs - oldest.get().timestamp()), retentionMs);
    }

    /** The oldest record not landed: where it is and when it was written. */
    private record Oldest(long offset, long timestamp) {
    }

    /**
     * The first record at or after {@code offset} (offsets may hold transaction markers, which are never returned);
     * empty when none is left before {@code logEnd}. A record Kafka no longer has counts as infinitely old.
     */
    private java.util.Optional<Oldest> firstRecordFrom(TopicPartition tp, long offset, long logEnd) {
        peek.assign(List.of(tp));
        peek.seek(tp, offset);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : peek.poll(Duration.ofMillis(200))) {
                    return java.util.Optional.of(new Oldest(record.offset(), record.timestamp()));
                }
                if (peek.position(tp) >= logEnd) {
                    return java.util.Optional.empty();
                }
            }
        } catch (KafkaException e) {
            // out of range: already expired, the sink reports it when it gets there
            return java.util.Optional.of(new Oldest(offset, 0));
        }
        throw new IllegalStateException("cannot read the record at " + tp + "@" + offset + " within 5 s");
    }

    private long retentionMs(String topic, long nowMs) throws InterruptedException {
        if (nowMs - retentionReadAtMs > RETENTION_REFRESH.toMillis()) {
            retentionByTopic.clear();
            retentionReadAtMs = nowMs;
        }
        Long cached = retentionByTopic.get(topic);
        if (cached != null) {
            return cached;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            long retention = Long.parseLong(config.get(TopicConfig.RETENTION_MS_CONFIG).value());
            retentionByTopic.put(topic, retention);
            return retention;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read retention.ms of " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        peek.close();
        admin.close();
    }
}
