package io.datalakelab.iot.speed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpeedLayerTopologyTest {

    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a window boundary

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> input;
    private TestOutputTopic<String, byte[]> alerts;
    private TestOutputTopic<String, byte[]> deviceAggregates;
    private TestOutputTopic<String, byte[]> siteAggregates;
    private TestOutputTopic<String, byte[]> deadLetters;
    private final Map<String, Long> sequences = new java.util.HashMap<>();

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void theCoursesFiltersRaiseAnAlertForEveryReadingOver80KgAndOverBmi35() throws Exception {
        start();
        send(wearable("w1", T0, 92.0, 1.60));   // BMI 35.94
        send(wearable("w1", T0 + 5_000, 85.0, 1.60)); // BMI 33.2
        send(wearable("w2", T0 + 5_000, 70.0, 1.80));

        List<Alert> raised = alerts();
        assertThat(raised).extracting(Alert::rule, Alert::deviceId, Alert::sequence)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("weight-over-80", "w1", 1L),
                        org.assertj.core.groups.Tuple.tuple("bmi-over-35", "w1", 1L),
                        org.assertj.core.groups.Tuple.tuple("weight-over-80", "w1", 2L));
        assertThat(raised.get(1).value()).isEqualTo(35.94);
        assertThat(raised.get(1).condition()).isEqualTo("above 35");
    }

    @Test
    void aThresholdAlertFiresOnceWhenADeviceEntersTheConditionAndAgainOnlyAfterItLeft() throws Exception {
        start();
        for (double t : new double[] {29.0, 31.0, 32.0, 29.5, 33.0}) {
            send(climate("c1", T0 + sequences.getOrDefault("c1", 0L) * 10_000, t));
        }
        assertThat(alerts()).extracting(Alert::rule, Alert::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("overheating", 31.0), org.assertj.core.groups.Tuple.tuple("overheating", 33.0));
    }

    @Test
    void aValueFarFromTheDevicesRecentOnesIsAnAnomalyAndTenEqualValuesAStuckSensor() throws Exception {
        start();
        for (int i = 0; i < 40; i++) {
            send(climate("c1", T0 + i * 10_000L, 21.0 + (i % 5) * 0.1));
        }
        assertThat(alerts()).isEmpty();
        send(climate("c1", T0 + 400_000, 27.0));
        assertThat(alerts()).extracting(Alert::rule).containsExactly("temperature-anomaly");

        for (int i = 0; i < 10; i++) {
            send(climate("c2", T0 + i * 10_000L, 22.5));
        }
        List<Alert> stuck = alerts();
        assertThat(stuck).extracting(Alert::rule).containsExactly("stuck-temperature");
        assertThat(stuck.get(0).sequence()).isEqualTo(10);
        assertThat(stuck.get(0).condition()).isEqualTo("unchanged for 10 readings");
    }

    @Test
    void aWindowsAggregateIsWrittenOnceWhenItClosesIncludingLateReadingsWithinTheGrace() throws Exception {
        start();
        send(climate("c1", T0, 20.0));
        send(climate("c1", T0 + 10_000, 22.0));
        send(climate("c1", T0 + 70_000, 21.0));          // next window; the first stays open for its grace
        send(climate("c1", T0 + 50_000, 24.0));          // 20 s late, within the 30 s grace: counts
        assertThat(deviceAggregates.isEmpty()).isTrue();
        closeWindowsWith(climate("c1", T0 + 95_000, 21.0)); // stream time past end + grace: the first window closes
        send(climate("c1", T0 + 30_000, 99.0));          // later than the grace: dropped from the aggregates

        List<WindowAggregate> windows = aggregates(deviceAggregates);
        assertThat(windows).hasSize(1);
        WindowAggregate first = windows.get(0);
        assertThat(first.key()).isEqualTo("c1");
        assertThat(first.windowStart()).isEqualTo(T0);
        assertThat(first.windowEnd()).isEqualTo(T0 + 60_000);
        assertThat(first.readings()).isEqualTo(3);
        assertThat(first.minSequence()).isEqualTo(1);
        assertThat(first.maxSequence()).isEqualTo(4);
        assertThat(first.measurements().get("temperature")).isEqualTo(new WindowAggregate.Summary(3, 20.0, 24.0, 22.0));
        assertThat(aggregates(siteAggregates)).singleElement().satisfies(site -> {
            assertThat(site.key()).isEqualTo("lab");
            assertThat(site.readings()).isEqualTo(3);
            assertThat(site.minSequence()).isNull();
        });
    }

    @Test
    void aSitesAggregateCombinesItsDevices() throws Exception {
        start();
        send(climate("c1", T0, 20.0));
        send(climate("c2", T0 + 1_000, 30.0));
        send(climate("c3", T0 + 2_000, 25.0));
        closeWindowsWith(climate("c1", T0 + 3_600_000, 20.0)); // an hour later: the closed windows were kept until emitted
        List<WindowAggregate> updates = aggregates(siteAggregates);
        assertThat(updates).as("one update per device window as each closes").extracting(WindowAggregate::readings).containsExactly(1L, 2L, 3L);
        WindowAggregate site = updates.get(2);
        assertThat(site.windowStart()).isEqualTo(T0);
        assertThat(site.measurements().get("temperature")).isEqualTo(new WindowAggregate.Summary(3, 20.0, 30.0, 25.0));
        assertThat(aggregates(deviceAggregates)).extracting(WindowAggregate::key).containsExactlyInAnyOrder("c1", "c2", "c3");
    }

    @Test
    void aValueThatIsNotAReadingGoesToTheDeadLetterQueueWithTheReasonAndTheNextReadingIsProcessed() throws Exception {
        start();
        input.pipeInput("c9", "{\"deviceId\": \"c9\", truncated".getBytes(StandardCharsets.UTF_8), T0);
        input.pipeInput("c9", "{\"deviceId\":\"c9\",\"deviceType\":\"climate\",\"site\":\"lab\",\"eventTime\":1,\"values\":{}}"
                .getBytes(StandardCharsets.UTF_8), T0);
        input.pipeInput("not-c9", SensorReadingCodec.toJson(climate("c9", T0, 20.0)), T0);
        send(climate("c9", T0, 31.0));

        List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(3);
        assertThat(header(dead.get(2), ReadingParser.REASON_HEADER))
                .isEqualTo("record key 'not-c9' is not the reading's deviceId 'c9' (readings are keyed by device id)");
        assertThat(header(dead.get(0), ReadingParser.REASON_HEADER)).startsWith("value is not JSON");
        assertThat(header(dead.get(1), ReadingParser.REASON_HEADER)).isEqualTo("field 'sequence' is missing or not an integer");
        assertThat(header(dead.get(1), ReadingParser.SOURCE_HEADER)).isEqualTo("iot.sensor-readings-0@1");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"deviceId\": \"c9\", truncated");
        assertThat(alerts()).extracting(Alert::rule).containsExactly("overheating");
    }

    @Test
    void avroSingleObjectReadingsAreReadLikeJsonOnes() throws Exception {
        start();
        input.pipeInput("w1", SensorReadingCodec.toAvroSingleObject(wearable("w1", T0, 81.0, 1.90)), T0);
        assertThat(alerts()).extracting(Alert::rule).containsExactly("weight-over-80");
    }

    @Test
    void aMistakeInTheRulesFileNamesTheRule() {
        assertThatThrownBy(() -> AlertRules.parse("rules:\n  - {id: hot, measurement: temperature, above: 30, below: 10}\n"
                .getBytes(StandardCharsets.UTF_8), "r.yaml"))
                .hasMessage("r.yaml: rules[0] (hot): needs exactly one of above, below, anomaly, stuck; has [above, below]");
        assertThatThrownBy(() -> AlertRules.parse("rules:\n  - {id: hot, measurement: temperature, above: 30, severity: urgent}\n"
                .getBytes(StandardCharsets.UTF_8), "r.yaml"))
                .hasMessage("r.yaml: rules[0] (hot).severity: must be one of [info, warning, critical], was 'urgent'");
        assertThatThrownBy(() -> AlertRules.parse("rules:\n  - {id: a, measurement: t, above: 1}\n  - {id: a, measurement: t, below: 0}\n"
                .getBytes(StandardCharsets.UTF_8), "r.yaml")).hasMessage("r.yaml: rule id 'a' is used twice");
    }

    private void start() {
        SpeedLayerConfig config = SpeedLayerConfig.from(SpeedLayerConfig.SPEC.load(null, Map.of(), List.of("state.dir=" + stateDir)));
        Properties props = new SpeedLayer(config).streamsProperties();
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        driver = new TopologyTestDriver(SpeedLayerTopology.build(config, SpeedLayerMetrics.unregistered()), props);
        input = driver.createInputTopic(config.inputTopic(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        alerts = driver.createOutputTopic(config.alertsTopic(), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        deviceAggregates = driver.createOutputTopic(config.aggregatesTopic("device"), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        siteAggregates = driver.createOutputTopic(config.aggregatesTopic("site"), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        deadLetters = driver.createOutputTopic(config.deadLetterTopic(), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    private void send(SensorReading reading) {
        input.pipeInput(reading.deviceId(), SensorReadingCodec.toJson(reading), reading.eventTime());
    }

    /** Kafka Streams checks for closed windows at most once a second of wall-clock time; the driver's clock is moved on. */
    private void closeWindowsWith(SensorReading reading) {
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(2));
        send(reading);
    }

    private SensorReading wearable(String device, long time, double weight, double height) {
        return new SensorReading(device, "health-wearable", "lab", time, nextSequence(device),
                Map.of("age", 40.0, "height", height, "weight", weight, "heart_rate", 70.0 + sequences.get(device)));
    }

    private SensorReading climate(String device, long time, double temperature) {
        return new SensorReading(device, "climate", "lab", time, nextSequence(device), Map.of("temperature", temperature));
    }

    private long nextSequence(String device) {
        return sequences.merge(device, 1L, Long::sum);
    }

    private List<Alert> alerts() throws Exception {
        List<Alert> out = new ArrayList<>();
        for (byte[] value : alerts.readValuesToList()) {
            out.add(JsonSerde.JSON.readValue(value, Alert.class));
        }
        return out;
    }

    private static List<WindowAggregate> aggregates(TestOutputTopic<String, byte[]> topic) throws Exception {
        List<WindowAggregate> out = new ArrayList<>();
        for (byte[] value : topic.readValuesToList()) {
            out.add(JsonSerde.JSON.readValue(value, WindowAggregate.class));
        }
        return out;
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
