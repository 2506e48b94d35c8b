package io.datalakelab.nifi.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ValidateSensorReadingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-11-23T14:59:59.999Z: the next millisecond is another hour, and in Lisbon (UTC+0 in November) the same one. */
    private static final long END_OF_14H = Instant.parse("2026-11-23T14:59:59.999Z").toEpochMilli();

    private TestRunner runner;

    @BeforeEach
    void createRunner() {
        runner = TestRunners.newTestRunner(ValidateSensorReading.class);
    }

    private static SensorReading reading(String deviceId, long sequence, long eventTime) {
        return new SensorReading(deviceId, "thermometer", "plant-a", eventTime, sequence,
                Map.of("temperature", 21.5 + sequence % 7, "humidity", 40.0 + sequence % 11));
    }

    private static byte[] json(SensorReading reading) {
        return SensorReadingCodec.toJson(reading);
    }

    private static String jsonWithout(SensorReading reading, String field) {
        ObjectNode node = SensorReadingCodec.toJsonNode(reading);
        node.remove(field);
        return node.toString();
    }

    @Test
    void aValidJsonReadingLeavesUnchangedWithItsFieldsAndPartitionAsAttributes() throws Exception {
        SensorReading reading = reading("thermo-0042", 17, END_OF_14H);
        runner.enqueue(json(reading), Map.of("kafka.topic", "iot.sensor-readings"));

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.VALID, 1);
        MockFlowFile valid = runner.getFlowFilesForRelationship(ValidateSensorReading.VALID).get(0);
        valid.assertContentEquals(json(reading));
        valid.assertAttributeEquals("reading.device.id", "thermo-0042");
        valid.assertAttributeEquals("reading.device.type", "thermometer");
        valid.assertAttributeEquals("reading.site", "plant-a");
        valid.assertAttributeEquals("reading.event.time", Long.toString(END_OF_14H));
        valid.assertAttributeEquals("reading.sequence", "17");
        valid.assertAttributeEquals("reading.dt", "2026-11-23");
        valid.assertAttributeEquals("reading.hr", "14");
        valid.assertAttributeEquals("reading.partition", "dt=2026-11-23/hr=14");
        valid.assertAttributeEquals("reading.count", "1");
        valid.assertAttributeEquals("kafka.topic", "iot.sensor-readings");
        assertThat(runner.getCounterValue("Readings valid")).isEqualTo(1L);
    }

    @Test
    void anAvroSingleObjectReadingIsValidAndLeavesInAvro() throws Exception {
        SensorReading reading = reading("meter-7", 3, END_OF_14H + 1);
        byte[] avro = SensorReadingCodec.toAvroSingleObject(reading);
        runner.enqueue(avro);

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.VALID, 1);
        MockFlowFile valid = runner.getFlowFilesForRelationship(ValidateSensorReading.VALID).get(0);
        valid.assertContentEquals(avro);
        valid.assertAttributeEquals("reading.device.id", "meter-7");
        valid.assertAttributeEquals("reading.hr", "15");
    }

    @Test
    void aReadingWithoutASiteIsInvalidWithTheFieldNamedAndItsBytesKept() throws Exception {
        String withoutSite = jsonWithout(reading("thermo-1", 1, END_OF_14H), "site");
        runner.enqueue(withoutSite);

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.INVALID, 1);
        MockFlowFile invalid = runner.getFlowFilesForRelationship(ValidateSensorReading.INVALID).get(0);
        invalid.assertContentEquals(withoutSite);
        invalid.assertAttributeEquals("validation.reason", "field 'site' is missing or not a string");
        invalid.assertAttributeNotExists("reading.device.id");
        assertThat(runner.getCounterValue("Readings invalid")).isEqualTo(1L);
    }

    @Test
    void contractViolationsAreEachNamedInTheReason() throws Exception {
        String zeroSequence = "{\"deviceId\":\"d\",\"deviceType\":\"t\",\"site\":\"s\",\"eventTime\":1,\"sequence\":0,\"values\":{}}";
        String textTemperature = "{\"deviceId\":\"d\",\"deviceType\":\"t\",\"site\":\"s\",\"eventTime\":1,\"sequence\":1,\"values\":{\"temperature\":\"hot\"}}";
        String isoEventTime = "{\"deviceId\":\"d\",\"deviceType\":\"t\",\"site\":\"s\",\"eventTime\":\"2026-11-23T10:00:00Z\",\"sequence\":1,\"values\":{}}";
        runner.enqueue(zeroSequence);
        runner.enqueue(textTemperature);
        runner.enqueue(isoEventTime);
        runner.enqueue("not json at all");

        runner.run(4);

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.INVALID, 4);
        List<String> reasons = runner.getFlowFilesForRelationship(ValidateSensorReading.INVALID).stream()
                .map(f -> f.getAttribute("validation.reason")).toList();
        assertThat(reasons.get(0)).isEqualTo("sequence must be >= 1, was 0");
        assertThat(reasons.get(1)).isEqualTo("field 'values.temperature' is not a number");
        assertThat(reasons.get(2)).isEqualTo("field 'eventTime' is missing or not an integer");
        assertThat(reasons.get(3)).startsWith("value is not one JSON value: Unrecognized token 'not'");
    }

    @Test
    void twoReadingsGluedIntoOneFlowFileAreInvalidRatherThanHalfAccepted() throws Exception {
        byte[] first = json(reading("d-1", 1, END_OF_14H));
        byte[] second = json(reading("d-1", 2, END_OF_14H));
        runner.enqueue(concat(first, second));

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.INVALID, 1);
        assertThat(runner.getFlowFilesForRelationship(ValidateSensorReading.INVALID).get(0).getAttribute("validation.reason"))
                .startsWith("value is not one JSON value: Trailing token");
    }

    @Test
    void bytesAfterAnAvroReadingMakeItInvalid() throws Exception {
        byte[] avro = SensorReadingCodec.toAvroSingleObject(reading("d-1", 1, END_OF_14H));
        runner.enqueue(concat(avro, new byte[] {1, 2, 3}));

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.INVALID, 1);
        assertThat(runner.getFlowFilesForRelationship(ValidateSensorReading.INVALID).get(0).getAttribute("validation.reason"))
                .isEqualTo("value holds 3 bytes after its Avro reading of " + avro.length + " bytes");
    }

    @Test
    void anEmptyFlowFileIsAnInvalidReading() throws Exception {
        runner.enqueue(new byte[0]);

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.INVALID, 1);
        assertThat(runner.getFlowFilesForRelationship(ValidateSensorReading.INVALID).get(0).getAttribute("validation.reason"))
                .isEqualTo("value is empty (an empty or tombstone message is not a sensor reading)");
    }

    @Test
    void aReadingLargerThanTheLimitIsInvalidWithoutBeingParsed() throws Exception {
        runner.setProperty(ValidateSensorReading.MAX_READING_SIZE, "100 B");
        byte[] reading = json(new SensorReading("d-1", "t", "s", 1, 1, Map.of("a-very-long-measurement-name-for-this-test", 1.0)));
        assertThat(reading.length).isGreaterThan(100);
        runner.enqueue(reading);

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.INVALID, 1);
        MockFlowFile invalid = runner.getFlowFilesForRelationship(ValidateSensorReading.INVALID).get(0);
        invalid.assertAttributeEquals("validation.reason",
                "reading is " + reading.length + " bytes, more than the Maximum Reading Size of 100 bytes");
        invalid.assertContentEquals(reading);
    }

    @Test
    void thePartitionFollowsThePartitionTimeZone() throws Exception {
        runner.setProperty(ValidateSensorReading.PARTITION_TIME_ZONE, "Asia/Kolkata");
        runner.enqueue(json(reading("d-1", 1, END_OF_14H)));

        runner.run();

        MockFlowFile valid = runner.getFlowFilesForRelationship(ValidateSensorReading.VALID).get(0);
        valid.assertAttributeEquals("reading.partition", "dt=2026-11-23/hr=20");
        valid.assertAttributeEquals("reading.event.time", Long.toString(END_OF_14H));
    }

    @Test
    void unknownTimeZonesAndSizesAreRejectedAtConfiguration() throws Exception {
        runner.setProperty(ValidateSensorReading.PARTITION_TIME_ZONE, "Mars/Olympus");
        runner.assertNotValid();
        runner.setProperty(ValidateSensorReading.PARTITION_TIME_ZONE, "UTC");
        runner.setProperty(ValidateSensorReading.MAX_READING_SIZE, "lots");
        runner.assertNotValid();
        runner.setProperty(ValidateSensorReading.MAX_READING_SIZE, "2 GB");
        runner.assertNotValid();
        runner.setProperty(ValidateSensorReading.MAX_READING_SIZE, "64 KB");
        runner.setProperty(ValidateSensorReading.READING_LAYOUT, "BATCH");
        runner.assertNotValid();
        runner.setProperty(ValidateSensorReading.READING_LAYOUT, ReadingLayout.DEMARCATED.getValue());
        runner.assertValid();
    }

    /**
     * A ConsumeKafka batch as its DEMARCATOR strategy writes it: 3,000 readings of 30 devices over three event hours,
     * out of order, with seven bad records among them. Each bad record must leave alone, with its original bytes, its
     * position (to recover its Kafka offset) and its reason; every good one must land in its hour exactly once.
     */
    @Test
    void aDemarcatedBatchSplitsIntoHourlyJsonLinesAndOneFlowFilePerInvalidReading() throws Exception {
        runner.setProperty(ValidateSensorReading.READING_LAYOUT, ReadingLayout.DEMARCATED.getValue());
        long hour13 = Instant.parse("2026-11-23T13:00:00Z").toEpochMilli();
        List<byte[]> records = new ArrayList<>();
        Map<Integer, String> badRecords = new TreeMap<>();
        for (int i = 0; i < 3_000; i++) {
            String device = "dev-" + (i % 30);
            long sequence = i / 30 + 1;
            // Hour 13, 14 and 15 interleaved: batches are ordered by offset, not by event time.
            long eventTime = hour13 + (i % 3) * 3_600_000L + i;
            records.add(json(reading(device, sequence, eventTime)));
        }
        badRecords.put(0, "{\"deviceId\":\"dev-x\"}");
        badRecords.put(17, "not json");
        badRecords.put(500, "");
        badRecords.put(1_234, "{\"deviceId\":\"dev-x\",\"deviceType\":\"t\",\"site\":\"s\",\"eventTime\":-5,\"sequence\":1,\"values\":{}}");
        badRecords.put(2_000, jsonWithout(reading("dev-y", 1, hour13), "values"));
        badRecords.put(2_500, "{\"deviceId\":\"dev-z\",\"deviceType\":\"t\",\"site\":\"s\",\"eventTime\":1,\"sequence\":1,\"values\":{\"t\":1}}{}");
        badRecords.put(3_006, "[1,2,3]");
        badRecords.forEach((index, bad) -> records.add(index, bad.getBytes(StandardCharsets.UTF_8)));
        runner.enqueue(join(records, "\n"), Map.of("kafka.topic", "iot.sensor-readings", "kafka.partition", "4", "kafka.offset", "1000"));

        runner.run();

        List<MockFlowFile> valid = runner.getFlowFilesForRelationship(ValidateSensorReading.VALID);
        List<MockFlowFile> invalid = runner.getFlowFilesForRelationship(ValidateSensorReading.INVALID);
        assertThat(valid).hasSize(3);
        assertThat(invalid).hasSize(7);

        Map<String, List<SensorReading>> byPartition = new TreeMap<>();
        for (MockFlowFile hour : valid) {
            List<SensorReading> readings = hour.getContent().lines()
                    .map(line -> SensorReadingCodec.fromJson(line.getBytes(StandardCharsets.UTF_8))).toList();
            assertThat(hour.getAttribute("reading.count")).isEqualTo(Integer.toString(readings.size()));
            assertThat(hour.getAttribute("validation.valid.count")).isEqualTo("3000");
            assertThat(hour.getAttribute("validation.invalid.count")).isEqualTo("7");
            assertThat(hour.getAttribute("mime.type")).isEqualTo("application/x-ndjson");
            assertThat(hour.getAttribute("kafka.topic")).isEqualTo("iot.sensor-readings");
            String partition = hour.getAttribute("reading.partition");
            assertThat(partition).isEqualTo("dt=" + hour.getAttribute("reading.dt") + "/hr=" + hour.getAttribute("reading.hr"));
            for (SensorReading reading : readings) {
                assertThat(HourPartition.of(reading.eventTime(), java.time.ZoneOffset.UTC).path()).isEqualTo(partition);
            }
            assertThat(Long.parseLong(hour.getAttribute("reading.event.time.min")))
                    .isEqualTo(readings.stream().mapToLong(SensorReading::eventTime).min().orElseThrow());
            assertThat(Long.parseLong(hour.getAttribute("reading.event.time.max")))
                    .isEqualTo(readings.stream().mapToLong(SensorReading::eventTime).max().orElseThrow());
            byPartition.put(partition, readings);
        }
        assertThat(byPartition.keySet()).containsExactly("dt=2026-11-23/hr=13", "dt=2026-11-23/hr=14", "dt=2026-11-23/hr=15");
        assertThat(byPartition.values()).allSatisfy(readings -> assertThat(readings).hasSize(1_000));

        // Every device's sequence numbers 1..100 are there once: nothing lost, nothing duplicated.
        Map<String, List<Long>> sequences = byPartition.values().stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(SensorReading::deviceId, TreeMap::new,
                        Collectors.mapping(SensorReading::sequence, Collectors.toList())));
        assertThat(sequences).hasSize(30);
        assertThat(sequences.values()).allSatisfy(seq ->
                assertThat(seq.stream().sorted().toList()).isEqualTo(java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList()));

        Map<String, MockFlowFile> invalidByIndex = invalid.stream()
                .collect(Collectors.toMap(f -> f.getAttribute("reading.index"), f -> f));
        assertThat(invalidByIndex.keySet()).containsExactlyInAnyOrder("0", "17", "500", "1234", "2000", "2500", "3006");
        badRecords.forEach((index, bad) -> {
            MockFlowFile flowFile = invalidByIndex.get(Integer.toString(index));
            flowFile.assertContentEquals(bad);
            flowFile.assertAttributeEquals("reading.count", "1");
            flowFile.assertAttributeEquals("kafka.offset", "1000");
            flowFile.assertAttributeEquals("kafka.partition", "4");
            flowFile.assertAttributeEquals("validation.invalid.count", "7");
        });
        assertThat(invalidByIndex.get("0").getAttribute("validation.reason")).isEqualTo("field 'values' is missing or not an object");
        assertThat(invalidByIndex.get("17").getAttribute("validation.reason")).startsWith("value is not one JSON value");
        assertThat(invalidByIndex.get("500").getAttribute("validation.reason")).startsWith("value is empty");
        assertThat(invalidByIndex.get("1234").getAttribute("validation.reason")).isEqualTo("eventTime must be epoch milliseconds >= 0, was -5");
        assertThat(invalidByIndex.get("2000").getAttribute("validation.reason")).isEqualTo("field 'values' is missing or not an object");
        assertThat(invalidByIndex.get("2500").getAttribute("validation.reason")).startsWith("value is not one JSON value: Trailing token");
        assertThat(invalidByIndex.get("3006").getAttribute("validation.reason")).isEqualTo("value is not a JSON object");

        assertThat(runner.getCounterValue("Readings valid")).isEqualTo(3_000L);
        assertThat(runner.getCounterValue("Readings invalid")).isEqualTo(7L);
        // The incoming batch is fully represented by what left: it does not leave a third time.
        assertThat(runner.getRemovedCount()).isEqualTo(1);
    }

    @Test
    void aTrailingDemarcatorDoesNotMakeAnEmptyReading() throws Exception {
        runner.setProperty(ValidateSensorReading.READING_LAYOUT, ReadingLayout.DEMARCATED.getValue());
        byte[] one = json(reading("d-1", 1, END_OF_14H));
        byte[] two = json(reading("d-1", 2, END_OF_14H));
        runner.enqueue(join(List.of(one, two, new byte[0]), "\n"));

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.VALID, 1);
        runner.getFlowFilesForRelationship(ValidateSensorReading.VALID).get(0)
                .assertContentEquals(new String(one, StandardCharsets.UTF_8) + "\n" + new String(two, StandardCharsets.UTF_8) + "\n");
    }

    @Test
    void anEmptyDemarcatedFlowFileIsOneInvalidReadingNotNothing() throws Exception {
        runner.setProperty(ValidateSensorReading.READING_LAYOUT, ReadingLayout.DEMARCATED.getValue());
        runner.enqueue(new byte[0]);

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.INVALID, 1);
        MockFlowFile invalid = runner.getFlowFilesForRelationship(ValidateSensorReading.INVALID).get(0);
        invalid.assertAttributeEquals("reading.index", "0");
        invalid.assertContentEquals(new byte[0]);
    }

    @Test
    void aReadingLongerThanTheLimitInABatchLeavesWithAllItsBytes() throws Exception {
        runner.setProperty(ValidateSensorReading.READING_LAYOUT, ReadingLayout.DEMARCATED.getValue());
        runner.setProperty(ValidateSensorReading.MAX_READING_SIZE, "1 KB");
        byte[] huge = new byte[200_000];
        Arrays.fill(huge, (byte) 'x');
        byte[] good = json(reading("d-1", 1, END_OF_14H));
        runner.enqueue(join(List.of(good, huge, good), "\n"));

        runner.run();

        runner.assertTransferCount(ValidateSensorReading.VALID, 1);
        runner.assertTransferCount(ValidateSensorReading.INVALID, 1);
        MockFlowFile invalid = runner.getFlowFilesForRelationship(ValidateSensorReading.INVALID).get(0);
        invalid.assertContentEquals(huge);
        invalid.assertAttributeEquals("reading.index", "1");
        invalid.assertAttributeEquals("validation.reason", "reading is 200000 bytes, more than the Maximum Reading Size of 1024 bytes");
        runner.getFlowFilesForRelationship(ValidateSensorReading.VALID).get(0).assertAttributeEquals("reading.count", "2");
    }

    @Test
    void aMultiByteDemarcatorSeparatesReadingsAsConsumeKafkaWroteThem() throws Exception {
        runner.setProperty(ValidateSensorReading.READING_LAYOUT, ReadingLayout.DEMARCATED.getValue());
        runner.setProperty(ValidateSensorReading.READING_DEMARCATOR, "<|>");
        SensorReading first = reading("d-1", 1, END_OF_14H);
        SensorReading second = reading("d-1", 2, END_OF_14H);
        runner.enqueue(join(List.of(json(first), json(second)), "<|>"));

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.VALID, 1);
        List<SensorReading> readings = runner.getFlowFilesForRelationship(ValidateSensorReading.VALID).get(0).getContent().lines()
                .map(line -> SensorReadingCodec.fromJson(line.getBytes(StandardCharsets.UTF_8))).toList();
        assertThat(readings).containsExactly(first, second);
    }

    @Test
    void demarcatedJsonReadingsLeaveInThePlatformsEncoding() throws Exception {
        runner.setProperty(ValidateSensorReading.READING_LAYOUT, ReadingLayout.DEMARCATED.getValue());
        SensorReading reading = reading("d-1", 1, END_OF_14H);
        // Same reading, other field order, extra whitespace and a field the contract does not know.
        String loose = "{ \"values\": {\"humidity\": " + reading.values().get("humidity") + ", \"temperature\": "
                + reading.values().get("temperature") + "}, \"sequence\": 1, \"site\": \"plant-a\", \"eventTime\": " + END_OF_14H
                + ", \"deviceType\": \"thermometer\", \"deviceId\": \"d-1\", \"firmware\": \"1.2\" }";
        runner.enqueue(loose);

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateSensorReading.VALID, 1);
        String line = runner.getFlowFilesForRelationship(ValidateSensorReading.VALID).get(0).getContent();
        assertThat(line).isEqualTo(new String(json(reading), StandardCharsets.UTF_8) + "\n");
        assertThat(JSON.readTree(line).has("firmware")).isFalse();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] join(List<byte[]> parts, String demarcator) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                out.writeBytes(demarcator.getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes(parts.get(i));
        }
        return out.toByteArray();
    }
}
