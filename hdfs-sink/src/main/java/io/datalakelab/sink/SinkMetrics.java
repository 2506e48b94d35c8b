package io.datalakelab.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;

/** The sink's Micrometer meters, per topic (and per partition for retention risk), scraped at /metrics. */
final class SinkMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastCommitEpochSeconds = new ConcurrentHashMap<>();
    private final AtomicLong hdfsAvailable;
    private final Map<TopicPartition, AtomicReference<Double>> riskRatios = new ConcurrentHashMap<>();
    /** Per-record meters, looked up once per topic: registering on every record costs more than the write. */
    private final Map<String, RecordMeters> recordMeters = new ConcurrentHashMap<>();

    private record RecordMeters(Counter records, Counter bytes) {
    }

    SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.hdfsAvailable = registry.gauge("sink.hdfs.available", new AtomicLong(1));
    }

    void written(String topic, long bytes) {
        RecordMeters meters = recordMeters.computeIfAbsent(topic, t -> new RecordMeters(
                Counter.builder("sink.records.written").tag("topic", t).register(registry),
                Counter.builder("sink.bytes.written").tag("topic", t).baseUnit("bytes").register(registry)));
        meters.records().increment();
        meters.bytes().increment(bytes);
    }

    /** How long landing one batch took: durable files, manifest, renames. */
    void commitTook(String topic, long nanos) {
        Timer.builder("sink.commit.duration").tag("topic", topic).description("time to make a batch's files durable and rename them")
                .publishPercentiles(0.5, 0.99).register(registry).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void committed(String topic, long records) {
        Counter.builder("sink.files.committed").tag("topic", topic).register(registry).increment();
        Counter.builder("sink.records.committed").tag("topic", topic).register(registry).increment(records);
        lastCommitEpochSeconds.computeIfAbsent(topic, t -> registry.gauge("sink.last.commit.epoch.seconds",
                List.of(Tag.of("topic", t)), new AtomicLong()))
                .set(System.currentTimeMillis() / 1000);
    }

    void hdfsAvailable(boolean available) {
        hdfsAvailable.set(available ? 1 : 0);
    }

    void retentionRisk(TopicPartition tp, double ratio) {
        riskRatios.computeIfAbsent(tp, p -> {
            AtomicReference<Double> holder = new AtomicReference<>(0.0);
            Gauge.builder("sink.retention.risk.ratio", holder, AtomicReference::get)
                    .description("age of the oldest unlanded record / retention.ms")
                    .tag("topic", p.topic()).tag("partition", Integer.toString(p.partition()))
                    .register(registry);
            return holder;
        }).set(ratio);
    }

    void late(String topic) {
        Counter.builder("sink.records.late").tag("topic", topic)
                .description("records written into a time partition already marked _SUCCESS").register(registry).increment();
    }

    void marked(int partitions) {
        Counter.builder("sink.partitions.marked.complete").register(registry).increment(partitions);
    }

    void lost(String topic, long records) {
        Counter.builder("sink.records.lost").tag("topic", topic)
                .description("records that expired in Kafka before they were landed; see the topic's _LOST reports")
                .register(registry).increment(records);
    }

    void tombstone(String topic) {
        Counter.builder("sink.tombstones.skipped").tag("topic", topic)
                .description("records with a key and a null value (deletes for compaction), which carry nothing to land").register(registry).increment();
    }

    void deadLettered(String topic) {
        Counter.builder("sink.records.dead.lettered").tag("topic", topic).register(registry).increment();
    }
}
