package io.datalakelab.iot.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.topic.Topics;
import io.datalakelab.testkit.KafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class SensorFleetProducerIT {

    @Test
    void sendsEveryReadingOnceInPerDeviceOrderToATopicItCreatesByTheContract() throws Exception {
        try (KafkaCluster kafka = new KafkaCluster().withBrokers(1).start()) {
            SensorFleetConfig config = SensorFleetConfig.from(SensorFleetConfig.SPEC.load(null, Map.of(), List.of(
                    "bootstrap.servers=" + kafka.bootstrapServers(), "records=5000", "devices=7", "site=it")));

            FleetRunReport report = new SensorFleetProducer(config).run();

            assertThat(report.acknowledged()).isEqualTo(5000);
            assertThat(report.failed()).isZero();
            try (Admin admin = kafka.admin()) {
                TopicDescription topic = admin.describeTopics(List.of(Topics.SENSOR_READINGS)).allTopicNames().get().get(Topics.SENSOR_READINGS);
                assertThat(topic.partitions()).hasSize(6);
                assertThat(topic.partitions().get(0).replicas()).as("RF clamped to one broker").hasSize(1);
            }

            Map<String, List<Long>> sequences = new HashMap<>();
            Map<String, Integer> partitionOfDevice = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : consumeAll(kafka.bootstrapServers(), 5000)) {
                SensorReading reading = SensorReadingCodec.fromJson(record.value());
                assertThat(record.key()).isEqualTo(reading.deviceId());
                sequences.computeIfAbsent(reading.deviceId(), d -> new ArrayList<>()).add(reading.sequence());
                assertThat(partitionOfDevice.merge(reading.deviceId(), record.partition(), (a, b) -> a))
                        .as("a device's readings stay in one partition").isEqualTo(record.partition());
            }
            assertThat(sequences).hasSize(7);
            sequences.forEach((device, seqs) -> {
                List<Long> expected = new ArrayList<>();
                for (long s = 1; s <= seqs.size(); s++) {
                    expected.add(s);
                }
                assertThat(seqs).as(device).isEqualTo(expected);
            });
        }
    }

    private static List<ConsumerRecord<String, byte[]>> consumeAll(String bootstrap, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "fleet-it");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.SENSOR_READINGS));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
