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

/**
 * The sink's Micrometer meters, per topic (and per partition for retention risk), scraped at /metrics. A topic's
 * counters are registered at 0 as soon as one of its partitions is assigned, so a dashboard sees "0 lost" rather than
 * no series at all.
 */
final class SinkMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastCommitEpochSeconds = new ConcurrentHashMap<>();
    private final AtomicLong hdfsAvailable;
    private final Counter partitionsMarked;
    private final Map<TopicPartition, AtomicReference<Double>> riskRatios = new ConcurrentHashMap<>();
    /** Per-topic meters, looked up once per topic: registering on every record costs more than the write. */
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();

    private record TopicMeters(Counter recordsWritten, Counter bytesWritten, Counter filesCommitted, Counter recordsCommitted,
                               Counter late, Counter lost, Counter tombstones, Counter deadLetters) {
    }

    SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.hdfsAvailable = registry.gauge("sink.hdfs.available", new AtomicLong(1));
        this.partitionsMarked = Counter.builder("sink.partitions.marked.complete").description("time partitions marked _SUCCESS").register(registry);
    }

    /** Registers the counters of every topic among {@code partitions} (at 0 for a topic seen the first time). */
    void assigned(java.util.Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> topic(tp.topic()));
    }

    private TopicMeters topic(String topic) {
        return topics.computeIfAbsent(topic, t -> new TopicMeters(
                Counter.builder("sink.records.written").tag("topic", t).description("records written into open files").register(registry),
                Counter.builder("sink.bytes.written").tag("topic", t).description("bytes of the records written into open files").register(registry),
                Counter.builder("sink.files.committed").tag("topic", t).description("files committed (renamed into their partition)").register(registry),
                Counter.builder("sink.records.committed").tag("topic", t).description("records in committed files: landed").register(registry),
                Counter.builder("sink.records.late").tag("topic", t)
                        .description("records written into a time partition already marked _SUCCESS").register(registry),
                Counter.builder("sink.records.lost").tag("topic", t)
                        .description("records that expired in Kafka before they were landed; see the topic's _LOST reports").register(registry),
                Counter.builder("sink.tombstones.skipped").tag("topic", t)
                        .description("records with a key and a null value (deletes for compaction), which carry nothing to land").register(registry),
                Counter.builder("sink.dead.letters").tag("topic", t)
                        .description("records that could not be parsed or written, sent to the topic's DLQ").register(registry)));
    }

    void written(String topic, long bytes) {
        TopicMeters meters = topic(topic);
        meters.recordsWritten().increment();
        meters.bytesWritten().increment(bytes);
    }

    /** How long landing one batch took: durable files, manifest, renames. */
    void commitTook(String topic, long nanos) {
        Timer.builder("sink.commit.duration").tag("topic", topic).description("time to make a batch's files durable and rename them")
                .publishPercentiles(0.5, 0.99).register(registry).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void committed(String topic, long records) {
        TopicMeters meters = topic(topic);
        meters.filesCommitted().increment();
        meters.recordsCommitted().increment(records);
        lastCommitEpochSeconds.computeIfAbsent(topic, t -> registry.gauge("sink.last.commit.timestamp.seconds",
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
        topic(topic).late().increment();
    }

    void marked(int partitions) {
        partitionsMarked.increment(partitions);
    }

    void lost(String topic, long records) {
        topic(topic).lost().increment(records);
    }

    void tombstone(String topic) {
        topic(topic).tombstones().increment();
    }

    void deadLettered(String topic) {
        topic(topic).deadLetters().increment();
    }
}
