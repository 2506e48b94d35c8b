package io.datalakelab.iot.speed;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.topic.Topics;
import io.datalakelab.iot.fleet.SensorSimulator;
import io.datalakelab.iot.fleet.SimulationReport;
import io.datalakelab.iot.fleet.SimulatorConfig;
import io.datalakelab.testkit.KafkaCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The speed layer as a service on a real broker, with exactly-once processing, across a restart. */
class SpeedLayerIT {

    @TempDir
    Path stateDir;

    @Test
    void alertsAndAggregatesMatchTheReadingsExactlyOnceAcrossARestartAndBadValuesAreDeadLettered() throws Exception {
        try (KafkaCluster kafka = new KafkaCluster().withBrokers(1).start()) {
            SpeedLayerConfig config = SpeedLayerConfig.from(SpeedLayerConfig.SPEC.load(null, Map.of(), List.of(
                    "bootstrap.servers=" + kafka.bootstrapServers(), "state.dir=" + stateDir, "health.port=0",
                    "aggregates.emit=on_update", "kafka.commit.interval.ms=200")));

            // Event times become record timestamps of the outputs, and Kafka deletes records older than the retention:
            // the simulated clock starts hours ago, not at a fixed date that would age out.
            Instant hoursAgo = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofHours(4));
            SimulationReport first = simulate(kafka, hoursAgo.toString(), 11);
            try (SpeedLayer speedLayer = new SpeedLayer(config).start()) {
                speedLayer.awaitRunning(Instant.now().plusSeconds(90));
                assertThat(get("http://127.0.0.1:" + speedLayer.healthPort() + "/health")).contains("RUNNING");
                awaitAggregatedReadings(kafka, config, first.acknowledged());
            }
            // Restarted: the alert state comes back from its changelog, nothing is processed twice.
            SimulationReport second = simulate(kafka, hoursAgo.plus(Duration.ofHours(2)).toString(), 12);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.SENSOR_READINGS, "broken-1", "not a reading".getBytes(StandardCharsets.UTF_8))).get();
                producer.send(new ProducerRecord<>(Topics.SENSOR_READINGS, "broken-2", new byte[] {(byte) 0xC3, 1, 2})).get();
            }
            try (SpeedLayer speedLayer = new SpeedLayer(config).start()) {
                speedLayer.awaitRunning(Instant.now().plusSeconds(90));
                awaitAggregatedReadings(kafka, config, first.acknowledged() + second.acknowledged() + 2);

                List<SensorReading> readings = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : consume(kafka, Topics.SENSOR_READINGS, first.acknowledged() + second.acknowledged() + 2)) {
                    if (!r.key().startsWith("broken-")) {
                        readings.add(SensorReadingCodec.decode(r.value()));
                    }
                }
                long over80 = count(readings, r -> r.values().containsKey("weight") && r.values().get("weight") > 80);
                long bmiOver35 = count(readings, r -> AlertRules.withDerived(r.values()).getOrDefault("bmi", 0.0) > 35);
                assertThat(over80).as("the fleet has heavy people").isPositive();
                Map<String, Long> alertsByRule = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : consumeUntilQuiet(kafka, config.alertsTopic())) {
                    alertsByRule.merge(JsonSerde.JSON.readValue(r.value(), Alert.class).rule(), 1L, Long::sum);
                }
                assertThat(alertsByRule.get("weight-over-80")).isEqualTo(over80);
                assertThat(alertsByRule.getOrDefault("bmi-over-35", 0L)).isEqualTo(bmiOver35);

                Map<String, Long> siteWindows = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : consumeUntilQuiet(kafka, config.aggregatesTopic("site"))) {
                    WindowAggregate a = JsonSerde.JSON.readValue(r.value(), WindowAggregate.class);
                    siteWindows.put(a.key() + "@" + a.windowStart(), a.readings());
                }
                assertThat(siteWindows.values().stream().mapToLong(Long::longValue).sum()).as("the latest site windows hold every reading")
                        .isEqualTo(readings.size());

                List<ConsumerRecord<String, byte[]>> dead = consume(kafka, config.deadLetterTopic(), 2);
                assertThat(dead).extracting(ConsumerRecord::key).containsExactly("broken-1", "broken-2");
                assertThat(new String(dead.get(0).headers().lastHeader(ReadingParser.REASON_HEADER).value(), StandardCharsets.UTF_8))
                        .startsWith("value is not JSON");
            }
        }
    }

    private static SimulationReport simulate(KafkaCluster kafka, String clockStart, long seed) throws InterruptedException {
        SimulationReport report = new SensorSimulator(SimulatorConfig.from(SimulatorConfig.SPEC.load(null, Map.of(), List.of(
                "bootstrap.servers=" + kafka.bootstrapServers(), "records=4200", "rate=max", "faults=false", "clock=simulated",
                "clock.start=" + clockStart, "seed=" + seed, "progress.interval=0s"))), null).run();
        assertThat(report.acknowledged()).isEqualTo(4200);
        return report;
    }

    /** Waits until the latest aggregate of each device window counts the readings of that window in the input topic. */
    private static void awaitAggregatedReadings(KafkaCluster kafka, SpeedLayerConfig config, long recordsInInput) throws Exception {
        Map<String, Long> expected = new java.util.TreeMap<>();
        long windowMs = config.windowSize().toMillis();
        for (ConsumerRecord<String, byte[]> r : consume(kafka, Topics.SENSOR_READINGS, recordsInInput)) {
            if (r.key().startsWith("broken-")) {
                continue;
            }
            SensorReading reading = SensorReadingCodec.decode(r.value());
            expected.merge(reading.deviceId() + "@" + (reading.eventTime() - reading.eventTime() % windowMs), 1L, Long::sum);
        }
        Map<String, Long> latest = new java.util.TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = committedReader(kafka, config.aggregatesTopic("device"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!latest.equals(expected) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    WindowAggregate a = JsonSerde.JSON.readValue(r.value(), WindowAggregate.class);
                    latest.put(a.key() + "@" + a.windowStart(), a.readings());
                }
            }
        }
        Map<String, String> differences = new java.util.TreeMap<>();
        expected.forEach((w, n) -> {
            if (!n.equals(latest.get(w))) {
                differences.put(w, latest.get(w) + " of " + n);
            }
        });
        assertThat(differences).as("device windows whose aggregate differs from the input").isEmpty();
        assertThat(latest.keySet()).isEqualTo(expected.keySet());
    }

    private static long count(List<SensorReading> readings, Predicate<SensorReading> test) {
        return readings.stream().filter(test).count();
    }

    private static KafkaConsumer<String, byte[]> committedReader(KafkaCluster kafka, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "speed-it-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static List<ConsumerRecord<String, byte[]>> consume(KafkaCluster kafka, String topic, long expected) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = committedReader(kafka, topic)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as(topic).hasSize((int) expected);
        return out;
    }

    /** Everything committed in {@code topic}: reads until three polls in a row bring nothing. */
    private static List<ConsumerRecord<String, byte[]>> consumeUntilQuiet(KafkaCluster kafka, String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = committedReader(kafka, topic)) {
            int quiet = 0;
            while (quiet < 3) {
                var records = consumer.poll(Duration.ofMillis(1000));
                records.forEach(out::add);
                quiet = records.isEmpty() && !consumer.assignment().isEmpty() ? quiet + 1 : 0;
            }
        }
        return out;
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
