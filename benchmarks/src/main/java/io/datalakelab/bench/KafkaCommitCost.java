package io.datalakelab.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What one small write costs on the lab's brokers, without any capture around it: one record sent by an idempotent
 * producer ({@code acks=all}) and waited for, against one record in a Kafka transaction (begin, send, commit), and
 * against one record plus a position record in a compacted one-partition topic in one transaction (what
 * ingestion-rdbms commits per batch), each also timed until a {@code read_committed} consumer has the record. Records
 * go one at a time at a steady rate, like the single-row transactions of the latency run.
 */
final class KafkaCommitCost {

    /** One way of writing: its timings in microseconds and the producer's retried batches. */
    record Cost(String how, List<Long> producerMicros, List<Long> visibleMicros, long retries) {
    }

    private final String bootstrapServers;
    private final Map<String, String> producerSettings;
    private final Map<String, String> consumerSettings;

    /** {@code producerSettings} override the producers' (e.g. the capture's kafka.producer.* settings being tried). */
    KafkaCommitCost(String bootstrapServers, Map<String, String> producerSettings, Map<String, String> consumerSettings) {
        this.bootstrapServers = bootstrapServers;
        this.producerSettings = producerSettings;
        this.consumerSettings = consumerSettings;
    }

    private enum Write { IDEMPOTENT, TRANSACTION, TRANSACTION_WITH_POSITION }

    List<Cost> measure(String topic, int records, int rate) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3).configs(Map.of("min.insync.replicas", "2")),
                    new NewTopic(topic + ".offsets", 1, (short) 3).configs(Map.of("min.insync.replicas", "2", "cleanup.policy", "compact"))))
                    .all().get();
        }
        List<Cost> costs = new ArrayList<>();
        for (Write write : Write.values()) {
            costs.add(run(topic, records, rate, write));
        }
        return costs;
    }

    private Cost run(String topic, int records, int rate, Write how) throws Exception {
        boolean transactional = how != Write.IDEMPOTENT;
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putAll(producerSettings);
        if (transactional) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-commit-cost-" + topic + "-" + how);
        }
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        Map<Long, Long> seenAt = new ConcurrentHashMap<>();
        List<Long> producerMicros = new ArrayList<>();
        long retries;
        long base = how.ordinal() * 1_000_000_000L;
        AtomicBoolean reading = new AtomicBoolean(true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (transactional) {
                producer.initTransactions();
            }
            Thread reader = startReader(topic, seenAt, reading);
            // One warm-up write, so connections and metadata are not in the first sample.
            write(producer, topic, base - 1, how);
            Thread.sleep(500);
            for (long i = 0; i < records; i++) {
                long started = System.nanoTime();
                sentAt.put(base + i, started);
                write(producer, topic, base + i, how);
                producerMicros.add((System.nanoTime() - started) / 1_000);
                Thread.sleep(Math.max(0, 1000L / rate - (System.nanoTime() - started) / 1_000_000));
            }
            Measurements.awaitTrue("the consumer to read every record", Duration.ofMinutes(2), Duration.ofMillis(10),
                    () -> seenAt.keySet().containsAll(sentAt.keySet()));
            reading.set(false);
            reader.join(10_000);
            retries = ProducerRetries.of(producer.metrics());
        }
        List<Long> visibleMicros = new ArrayList<>();
        sentAt.forEach((seq, sent) -> visibleMicros.add((seenAt.get(seq) - sent) / 1_000));
        return new Cost(switch (how) {
            case IDEMPOTENT -> "one record, idempotent send, no transaction";
            case TRANSACTION -> "one record in a Kafka transaction (begin, send, commit)";
            case TRANSACTION_WITH_POSITION -> "one record + a position record (second topic) in one transaction, as ingestion-rdbms";
        }, producerMicros, visibleMicros, retries);
    }

    private static void write(KafkaProducer<byte[], byte[]> producer, String topic, long seq, Write how) throws Exception {
        byte[] value = ByteBuffer.allocate(8).putLong(seq).array();
        if (how != Write.IDEMPOTENT) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, value, value));
            if (how == Write.TRANSACTION_WITH_POSITION) {
                producer.send(new ProducerRecord<>(topic + ".offsets", "position".getBytes(java.nio.charset.StandardCharsets.UTF_8), value));
            }
            producer.commitTransaction();
        } else {
            producer.send(new ProducerRecord<>(topic, value, value)).get();
        }
    }

    private Thread startReader(String topic, Map<Long, Long> seenAt, AtomicBoolean reading) throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.putAll(consumerSettings);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        Thread reader = new Thread(() -> {
            try (consumer) {
                while (reading.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        seenAt.putIfAbsent(ByteBuffer.wrap(record.value()).getLong(), System.nanoTime());
                    }
                }
            }
        }, "bench-commit-cost-reader");
        reader.start();
        return reader;
    }
}
