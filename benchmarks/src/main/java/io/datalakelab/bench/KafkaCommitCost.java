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
 * producer ({@code acks=all}) and waited for, against one record in a Kafka transaction (begin, send, commit), each
 * also timed until a {@code read_committed} consumer has it. Records go one at a time at a steady rate, like the
 * single-row transactions of the latency run.
 */
final class KafkaCommitCost {

    /** Percentiles in milliseconds of one way of writing. */
    record Cost(String how, List<Long> producerMicros, List<Long> visibleMicros) {
    }

    private final String bootstrapServers;
    private final Map<String, String> consumerSettings;

    KafkaCommitCost(String bootstrapServers, Map<String, String> consumerSettings) {
        this.bootstrapServers = bootstrapServers;
        this.consumerSettings = consumerSettings;
    }

    List<Cost> measure(String topic, int records, int rate) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3).configs(Map.of("min.insync.replicas", "2")))).all().get();
        }
        List<Cost> costs = new ArrayList<>();
        costs.add(run(topic, records, rate, false));
        costs.add(run(topic, records, rate, true));
        return costs;
    }

    private Cost run(String topic, int records, int rate, boolean transactional) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        if (transactional) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-commit-cost-" + topic);
        }
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        Map<Long, Long> seenAt = new ConcurrentHashMap<>();
        List<Long> producerMicros = new ArrayList<>();
        long base = transactional ? 1_000_000_000L : 0;
        AtomicBoolean reading = new AtomicBoolean(true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (transactional) {
                producer.initTransactions();
            }
            Thread reader = startReader(topic, seenAt, reading);
            // One warm-up write, so connections and metadata are not in the first sample.
            write(producer, topic, base - 1, transactional);
            Thread.sleep(500);
            for (long i = 0; i < records; i++) {
                long started = System.nanoTime();
                sentAt.put(base + i, started);
                write(producer, topic, base + i, transactional);
                producerMicros.add((System.nanoTime() - started) / 1_000);
                Thread.sleep(Math.max(0, 1000L / rate - (System.nanoTime() - started) / 1_000_000));
            }
            Measurements.awaitTrue("the consumer to read every record", Duration.ofMinutes(2), Duration.ofMillis(10),
                    () -> seenAt.keySet().containsAll(sentAt.keySet()));
            reading.set(false);
            reader.join(10_000);
        }
        List<Long> visibleMicros = new ArrayList<>();
        sentAt.forEach((seq, sent) -> visibleMicros.add((seenAt.get(seq) - sent) / 1_000));
        return new Cost(transactional ? "one record in a Kafka transaction (begin, send, commit)" : "one record, idempotent send, no transaction",
                producerMicros, visibleMicros);
    }

    private static void write(KafkaProducer<byte[], byte[]> producer, String topic, long seq, boolean transactional) throws Exception {
        byte[] value = ByteBuffer.allocate(8).putLong(seq).array();
        if (transactional) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, value, value));
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
