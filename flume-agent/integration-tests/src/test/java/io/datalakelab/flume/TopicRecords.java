package io.datalakelab.flume;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What a topic holds, read from its start by a plain consumer: the tests' view of what the agents delivered. */
final class TopicRecords {

    private TopicRecords() {
    }

    /** Reads {@code topic} from its start until {@code done} holds for what was read, or {@code timeout} passes. */
    static List<ConsumerRecord<String, byte[]>> readUntil(String bootstrapServers, String topic,
                                                          Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Every sequence number each device sent, in the order read (duplicates kept). */
    static Map<String, List<Long>> sequencesByDevice(List<SensorReading> readings) {
        Map<String, List<Long>> out = new HashMap<>();
        for (SensorReading reading : readings) {
            out.computeIfAbsent(reading.deviceId(), d -> new ArrayList<>()).add(reading.sequence());
        }
        return out;
    }

    static List<SensorReading> readings(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> SensorReadingCodec.decode(r.value())).toList();
    }

    static long distinct(List<SensorReading> readings) {
        return readings.stream().map(r -> r.deviceId() + "#" + r.sequence()).distinct().count();
    }
}
