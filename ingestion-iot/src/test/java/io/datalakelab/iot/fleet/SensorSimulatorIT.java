package io.datalakelab.iot.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.testkit.KafkaCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SensorSimulatorIT {

    private static KafkaCluster kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = new KafkaCluster().withBrokers(1).start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void fourProducersSendEverySequenceNumberOnceWithLateReplaysToATopicCreatedByTheContract() throws Exception {
        String topic = "it.readings-four-producers";
        // Devices that go offline often and replay late, so the ordering and completeness of what they send is tested.
        SimulatorConfig flaky = withFaults(new FaultSpec(0, 0, 0, Range.of(1), 0, 0, Range.of(1), 0.02, new Range(5, 20),
                true, 0, Duration.ZERO, 0), topic, "records=6000", "devices=24", "producers=4", "rate=max", "clock=simulated");

        SimulationReport report = new SensorSimulator(flaky, null).run();

        assertThat(report.producers()).isEqualTo(4);
        assertThat(report.readings()).isEqualTo(6000);
        assertThat(report.acknowledged()).isEqualTo(6000);
        assertThat(report.failed()).isZero();
        assertThat(report.lateReadings()).isPositive();
        assertThat(report.latencyMs().p99()).isPositive();
        try (Admin admin = kafka.admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(description.partitions()).hasSize(6);
            assertThat(description.partitions().get(0).replicas()).as("RF clamped to one broker").hasSize(1);
        }

        Map<String, List<Long>> sequences = new HashMap<>();
        Map<String, Integer> partitionOfDevice = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : consumeAll(topic, 6000)) {
            SensorReading reading = SensorReadingCodec.decode(record.value());
            assertThat(record.key()).isEqualTo(reading.deviceId());
            sequences.computeIfAbsent(reading.deviceId(), d -> new ArrayList<>()).add(reading.sequence());
            assertThat(partitionOfDevice.merge(reading.deviceId(), record.partition(), (a, b) -> a))
                    .as("a device's readings stay in one partition").isEqualTo(record.partition());
        }
        assertThat(sequences).hasSize(24);
        sequences.forEach((device, seqs) -> {
            assertThat(seqs).as(device).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(seqs)).as(device).containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
        });
    }

    @Test
    void avroReadingsAndOptInMalformedRecordsAreSentAndCountedApart() throws Exception {
        String topic = "it.readings-avro";
        SimulationReport report = new SensorSimulator(config(topic, "records=2000", "devices=10", "rate=max", "encoding=avro",
                "malformed.rate=0.05", "faults=false"), null).run();

        assertThat(report.acknowledged()).isEqualTo(2000);
        assertThat(report.malformed()).isPositive();
        assertThat(report.malformedAcknowledged()).isEqualTo(report.malformed());
        long readings = 0;
        long broken = 0;
        for (ConsumerRecord<String, byte[]> record : consumeAll(topic, 2000 + report.malformed())) {
            if (SensorReadingCodec.isAvroSingleObject(record.value())) {
                try {
                    SensorReadingCodec.decode(record.value());
                    readings++;
                    continue;
                } catch (InvalidRecordException truncated) {
                    broken++;
                    continue;
                }
            }
            assertThatThrownBy(() -> SensorReadingCodec.decode(record.value())).isInstanceOf(InvalidRecordException.class);
            broken++;
        }
        assertThat(readings).isEqualTo(2000);
        assertThat(broken).isEqualTo(report.malformed());
    }

    @Test
    void onTheSimulatedClockEachDeviceStampsItsIntervalFromTheGivenStart() throws Exception {
        String topic = "it.readings-simulated-clock";
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        SimulatorConfig config = config(topic, "records=1200", "devices=12", "rate=max", "faults=false", "clock=simulated",
                "clock.start=" + start);
        SensorSimulator simulator = new SensorSimulator(config, null);
        SimulationReport report = simulator.run();
        assertThat(report.acknowledged()).isEqualTo(1200);

        Map<String, Long> intervals = new HashMap<>();
        simulator.fleet().devices().forEach(d -> intervals.put(d.id(), d.intervalMs()));
        Map<String, List<Long>> times = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : consumeAll(topic, 1200)) {
            SensorReading r = SensorReadingCodec.decode(record.value());
            times.computeIfAbsent(r.deviceId(), d -> new ArrayList<>()).add(r.eventTime());
        }
        times.forEach((device, t) -> {
            assertThat(t.get(0)).isBetween(start.toEpochMilli(), start.toEpochMilli() + intervals.get(device));
            for (int i = 1; i < t.size(); i++) {
                assertThat(t.get(i) - t.get(i - 1)).as(device).isEqualTo(intervals.get(device));
            }
        });
    }

    private static SimulatorConfig config(String topic, String... overrides) {
        List<String> all = new ArrayList<>(List.of("bootstrap.servers=" + kafka.bootstrapServers(), "topic=" + topic, "progress.interval=0s"));
        all.addAll(List.of(overrides));
        return SimulatorConfig.from(SimulatorConfig.SPEC.load(null, Map.of(), all));
    }

    private static SimulatorConfig withFaults(FaultSpec faults, String topic, String... overrides) {
        return config(topic, overrides).withFaults(faults);
    }

    private static List<ConsumerRecord<String, byte[]>> consumeAll(String topic, long expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "simulator-it-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(out::add); // nothing beyond what was sent
        }
        assertThat(out).as("records in " + topic).hasSize((int) expected);
        return out;
    }
}
