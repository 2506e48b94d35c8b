package io.datalakelab.iot.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.iot.fleet.FaultSpec;
import io.datalakelab.iot.fleet.Range;
import io.datalakelab.iot.fleet.SensorSimulator;
import io.datalakelab.iot.fleet.SimulationReport;
import io.datalakelab.iot.fleet.SimulatorConfig;
import io.datalakelab.testkit.Await;
import io.datalakelab.testkit.KafkaCluster;
import io.datalakelab.testkit.MosquittoBroker;
import io.datalakelab.testkit.TopicContents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Devices publishing to a real mosquitto, the bridge moving their readings into a real Kafka broker. */
class MqttBridgeIT {

    /** Messages mosquitto sends a client before it must wait for PUBACKs: what a crashed bridge can have in Kafka unacknowledged. */
    private static final int BROKER_IN_FLIGHT = 20;

    private static KafkaCluster kafka;
    private static MosquittoBroker mqtt;

    @BeforeAll
    static void startBrokers() throws Exception {
        kafka = new KafkaCluster().withBrokers(1).start();
        // The queue must hold what devices publish while the bridge is down; past it mosquitto drops messages.
        mqtt = new MosquittoBroker()
                .withSetting("max_inflight_messages", Integer.toString(BROKER_IN_FLIGHT))
                .withSetting("max_queued_messages", "100000")
                .start();
    }

    @AfterAll
    static void stopBrokers() throws Exception {
        if (mqtt != null) {
            mqtt.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyReadingPublishedOverMqttReachesKafkaOnceKeyedByItsDeviceAndAResentOneIsDropped() throws Exception {
        String prefix = "it/once";
        String topic = "it.mqtt-once";
        try (MqttBridge bridge = new MqttBridge(bridgeConfig(prefix, topic, "bridge-once")).start()) {
            // Devices that go offline and replay late, out of order, so that the bridge meets gaps and late sequences.
            SimulatorConfig flaky = simulator(prefix, "records=3000", "devices=12", "producers=2", "rate=max", "clock=simulated")
                    .withFaults(new FaultSpec(0, 0, 0, Range.of(1), 0, 0, Range.of(1), 0.02, new Range(5, 20), true, 0, Duration.ZERO, 0));

            SimulationReport report = mqttSimulator(flaky).run();

            assertThat(report.readings()).isEqualTo(3000);
            assertThat(report.acknowledged()).as("PUBACKs from mosquitto").isEqualTo(3000);
            assertThat(report.failed()).isZero();
            assertThat(report.lateReadings()).isPositive();
            Await.until("the bridge forwarded 3000 readings", Duration.ofSeconds(60), () -> bridge.forwarded() == 3000);
            List<ConsumerRecord<String, byte[]>> records = readUntil(topic, r -> r.size() >= 3000, Duration.ofSeconds(30));
            assertEverySequenceOnce(records, 12);
            assertThat(records).hasSize(3000);

            // The same readings sent again, as a device does when a PUBACK was lost: the bridge remembers them.
            List<ConsumerRecord<String, byte[]>> resent = records.subList(0, 100);
            MqttClient device = new MqttClient(mqtt.serverUri(), "it-device-resending", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            // Paho frees an in-flight slot after the publish call returns; with its default of 10 a tight loop of
            // synchronous publishes can still be refused ("Too many publishes in progress").
            options.setMaxInflight(1000);
            device.connect(options);
            for (ConsumerRecord<String, byte[]> record : resent) {
                SensorReading reading = SensorReadingCodec.decode(record.value());
                device.publish(MqttTopics.readingTopic(prefix, reading.site(), reading.deviceId()), record.value(), 1, false);
            }
            device.disconnect();
            device.close();
            Await.until("100 duplicates dropped", Duration.ofSeconds(30), () -> bridge.duplicatesDropped() == 100);
            assertThat(bridge.forwarded()).isEqualTo(3000);
            assertThat(readUntil(topic, r -> r.size() > 3000, Duration.ofSeconds(3))).as("nothing written twice").hasSize(3000);

            HttpResponse<String> health = get("http://127.0.0.1:" + bridge.healthPort() + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"mqtt\":{\"status\":\"UP\"", "\"kafka\":{\"status\":\"UP\"", "subscribed to it/once/#");
            String metrics = get("http://127.0.0.1:" + bridge.healthPort() + "/metrics").body();
            assertThat(metrics).contains("mqtt_bridge_forwarded_total 3000.0", "mqtt_bridge_duplicates_dropped_total 100.0",
                    "mqtt_bridge_dead_letters_total 0.0", "mqtt_bridge_connected 1.0");
        }
    }

    @Test
    void payloadsThatAreNotReadingsGoToTheDeadLetterTopicWithTheirReasonsAndAreAcknowledged() throws Exception {
        String prefix = "it/malformed";
        String topic = "it.mqtt-malformed";
        try (MqttBridge bridge = new MqttBridge(bridgeConfig(prefix, topic, "bridge-malformed")).start()) {
            SimulationReport report = mqttSimulator(simulator(prefix, "records=1000", "devices=8", "rate=max", "faults=false",
                    "malformed.rate=0.05")).run();

            assertThat(report.acknowledged()).isEqualTo(1000);
            assertThat(report.malformed()).isPositive();
            assertThat(report.malformedAcknowledged()).isEqualTo(report.malformed());
            Await.until("readings forwarded and malformed payloads dead-lettered", Duration.ofSeconds(60),
                    () -> bridge.forwarded() == 1000 && bridge.deadLetters() == report.malformed());

            List<ConsumerRecord<String, byte[]>> dead = readUntil(topic + ".dlq", r -> r.size() >= report.malformed(), Duration.ofSeconds(30));
            assertThat(dead).hasSize((int) report.malformed());
            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : dead) {
                String reason = header(record, MqttBridge.REASON_HEADER);
                String source = header(record, MqttBridge.SOURCE_HEADER);
                assertThat(reason).isNotBlank();
                reasons.add(reason);
                assertThat(header(record, MqttBridge.SERVICE_HEADER)).isEqualTo("mqtt-bridge");
                assertThat(source).startsWith(prefix + "/").endsWith("/" + record.key());
                assertThatThrownBy(() -> SensorReadingCodec.decode(record.value())).isInstanceOf(InvalidRecordException.class);
            }
            assertThat(reasons).as("garbage and truncated records").anyMatch(r -> r.startsWith("value is not JSON"));
            assertThat(reasons).as("a missing field, a value of the wrong type").anyMatch(r -> r.startsWith("field '"));
            List<ConsumerRecord<String, byte[]>> readings = readUntil(topic, r -> r.size() >= 1000, Duration.ofSeconds(30));
            assertEverySequenceOnce(readings, 8);
            assertThat(readings).hasSize(1000);
        }
    }

    @Test
    void aBridgeCrashMidFlowLosesNothingAndRepeatsAtMostTheBrokersInFlightWindow() throws Exception {
        String prefix = "it/crash";
        String topic = "it.mqtt-crash";
        MqttBridgeConfig config = bridgeConfig(prefix, topic, "bridge-crash");
        MqttBridge first = new MqttBridge(config).start();
        SensorSimulator devices = mqttSimulator(simulator(prefix, "records=6000", "devices=16", "rate=500", "faults=false",
                "encoding=avro"));
        CompletableFuture<SimulationReport> publishing = CompletableFuture.supplyAsync(() -> {
            try {
                return devices.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        MqttBridge second = null;
        try {
            Await.until("the first bridge forwarded 1500 readings", Duration.ofSeconds(60), () -> first.forwarded() >= 1500);
            first.halt();
            long forwardedBeforeCrash = first.forwarded();
            long ackedAtCrash = devices.readingsAcknowledged();
            // The devices go on publishing with QoS 1; mosquitto queues for the bridge's persistent session.
            Await.until("1000 more readings published while the bridge is down", Duration.ofSeconds(60),
                    () -> devices.readingsAcknowledged() >= ackedAtCrash + 1000);

            second = new MqttBridge(config).start();
            SimulationReport report = publishing.get(2, TimeUnit.MINUTES);
            assertThat(report.acknowledged()).isEqualTo(6000);
            assertThat(report.failed()).isZero();

            List<ConsumerRecord<String, byte[]>> records = readUntil(topic, r -> distinctReadings(r) >= 6000, Duration.ofSeconds(90));
            assertThat(distinctReadings(records)).isEqualTo(6000);
            Map<String, List<Long>> sequences = sequencesByDevice(records);
            assertThat(sequences).hasSize(16);
            sequences.forEach((device, seqs) -> assertThat(new TreeSet<>(seqs)).as(device)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.stream().mapToLong(Long::longValue).max().orElse(0)).boxed().toList()));
            long duplicates = records.size() - 6000L;
            assertThat(duplicates).as("readings in Kafka but unacknowledged to MQTT when the bridge crashed")
                    .isBetween(0L, (long) BROKER_IN_FLIGHT);
            // Records the crash caught on the wire may be in Kafka without the first bridge having counted them.
            assertThat((long) records.size()).isGreaterThanOrEqualTo(forwardedBeforeCrash + second.forwarded());
        } finally {
            devices.stop();
            if (second != null) {
                second.close();
            }
            first.close();
        }
    }

    private static MqttBridgeConfig bridgeConfig(String prefix, String topic, String clientId) {
        return MqttBridgeConfig.from(MqttBridgeConfig.SPEC.load(null, Map.of(), List.of("bootstrap.servers=" + kafka.bootstrapServers(),
                "mqtt.broker=" + mqtt.serverUri(), "mqtt.topic.prefix=" + prefix, "mqtt.client.id=" + clientId, "topic=" + topic,
                "health.port=0")));
    }

    /** The simulator with its MQTT output, as `output=mqtt` runs it. */
    private static SensorSimulator mqttSimulator(SimulatorConfig config) {
        return new SensorSimulator(config, null, new MqttOutput(config));
    }

    private static SimulatorConfig simulator(String prefix, String... overrides) {
        List<String> all = new ArrayList<>(List.of("output=mqtt", "mqtt.broker=" + mqtt.serverUri(), "mqtt.topic.prefix=" + prefix,
                "progress.interval=0s"));
        all.addAll(List.of(overrides));
        return SimulatorConfig.from(SimulatorConfig.SPEC.load(null, Map.of(), all));
    }

    private static void assertEverySequenceOnce(List<ConsumerRecord<String, byte[]>> records, int devices) {
        for (ConsumerRecord<String, byte[]> record : records) {
            assertThat(record.key()).isEqualTo(SensorReadingCodec.decode(record.value()).deviceId());
        }
        Map<String, List<Long>> sequences = sequencesByDevice(records);
        assertThat(sequences).hasSize(devices);
        sequences.forEach((device, seqs) -> {
            assertThat(seqs).as(device).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(seqs)).as(device).containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
        });
    }

    private static Map<String, List<Long>> sequencesByDevice(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<Long>> out = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            SensorReading reading = SensorReadingCodec.decode(record.value());
            out.computeIfAbsent(reading.deviceId(), d -> new ArrayList<>()).add(reading.sequence());
        }
        return out;
    }

    private static long distinctReadings(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> {
            SensorReading reading = SensorReadingCodec.decode(r.value());
            return reading.deviceId() + "#" + reading.sequence();
        }).distinct().count();
    }

    /** Reads the topic from its start until {@code done} holds for what was read, or the timeout passes. */
    private static List<ConsumerRecord<String, byte[]>> readUntil(String topic, Predicate<List<ConsumerRecord<String, byte[]>>> done,
                                                                  Duration timeout) {
        return TopicContents.readUntil(kafka.bootstrapServers(), topic, done, timeout);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return TopicContents.header(record, name);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
