package io.datalakelab.nifi.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The steps of {@code kafka-to-hdfs.json} between ConsumeKafka and PutHDFS, run with the real processors in nifi-mock
 * and configured by the flow definition itself: what ConsumeKafka's DEMARCATOR strategy emits goes in, and what comes
 * out is what PutHDFS and the dead-letter PublishKafka would write, where, and with which headers.
 */
class KafkaToHdfsFlowTest {

    private static final String TOPIC = "iot.sensor-readings";
    private static final long HOUR_13 = Instant.parse("2026-11-23T13:00:00Z").toEpochMilli();

    private FlowComponents flow;

    @BeforeEach
    void loadFlow() throws Exception {
        // Files of 200 readings instead of 50,000, so that two small batches fill them.
        flow = new FlowComponents(FlowDefinitions.read(FlowDefinitions.named("kafka-to-hdfs.json")), Map.of("merge.min.records", "200"));
    }

    /** A ConsumeKafka batch of one partition: its records joined by the demarcator, and the attributes ConsumeKafka writes. */
    private record Batch(byte[] content, Map<String, String> attributes) {
    }

    private static Batch batch(int partition, long firstOffset, List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.write('\n');
            }
            out.writeBytes(records.get(i));
        }
        return new Batch(out.toByteArray(), Map.of("kafka.topic", TOPIC, "kafka.partition", Integer.toString(partition),
                "kafka.offset", Long.toString(firstOffset), "kafka.max.offset", Long.toString(firstOffset + records.size() - 1),
                "kafka.count", Integer.toString(records.size())));
    }

    private static List<MockFlowFile> step(TestRunner runner, List<MockFlowFile> input, String relationship, int runs) {
        for (MockFlowFile flowFile : input) {
            runner.enqueue(flowFile.toByteArray(), flowFile.getAttributes());
        }
        runner.run(runs);
        return runner.getFlowFilesForRelationship(relationship);
    }

    @Test
    void readingsLandAsOneJsonLinesFilePerTopicAndEventHourUnderTheNifiRoot() throws Exception {
        // Two partitions, 300 records each, three event hours interleaved: 200 readings per hour in all.
        Set<String> expectedLines = new HashSet<>();
        List<Batch> batches = new ArrayList<>();
        for (int partition = 0; partition < 2; partition++) {
            List<byte[]> records = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                SensorReading reading = new SensorReading("dev-" + partition + "-" + (i % 10), "thermometer", "plant-a",
                        HOUR_13 + (i % 3) * 3_600_000L + i * 1_000L, i / 10 + 1, Map.of("temperature", 20.0 + i % 5, "humidity", 41.5));
                byte[] json = SensorReadingCodec.toJson(reading);
                records.add(json);
                expectedLines.add(new String(json, StandardCharsets.UTF_8));
            }
            batches.add(batch(partition, 1_000L * partition, records));
        }

        TestRunner validate = flow.runner("Validate readings");
        batches.forEach(b -> validate.enqueue(b.content(), b.attributes()));
        validate.run(2);
        validate.assertTransferCount("invalid", 0);
        List<MockFlowFile> hourly = validate.getFlowFilesForRelationship("valid");
        assertThat(hourly).hasSize(6);

        List<MockFlowFile> withDirectory = step(flow.runner("Partition directory"), hourly, "success", hourly.size());
        List<MockFlowFile> merged = step(flow.runner("Merge into files per topic and hour"), withDirectory, "merged", 2);
        assertThat(merged).hasSize(3);
        List<MockFlowFile> named = step(flow.runner("Name the file nifi-<uuid>.jsonl"), merged, "success", merged.size());

        Map<String, MockFlowFile> byDirectory = new TreeMap<>();
        Set<String> landedLines = new HashSet<>();
        for (MockFlowFile file : named) {
            String directory = flow.evaluate("Write to HDFS", "Directory", file.getAttributes());
            byDirectory.put(directory, file);
            // Named after the FlowFile, so a retried write finds its own file; never the sink's <topic>+<p>+<start>+<end>.
            assertThat(file.getAttribute("filename")).isEqualTo("nifi-" + file.getAttribute("uuid") + ".jsonl").doesNotContain("+");
            assertThat(file.getAttribute("record.count")).isEqualTo("200");
            List<String> lines = file.getContent().lines().toList();
            assertThat(lines).hasSize(200);
            String hour = "hr=" + file.getAttribute("reading.hr");
            for (String line : lines) {
                SensorReading reading = SensorReadingCodec.fromJson(line.getBytes(StandardCharsets.UTF_8));
                assertThat(directory).endsWith(hour).contains("dt=2026-11-23");
                assertThat(Instant.ofEpochMilli(reading.eventTime()).toString()).startsWith("2026-11-23T" + file.getAttribute("reading.hr"));
            }
            landedLines.addAll(lines);
        }
        assertThat(byDirectory.keySet()).containsExactly(
                "/datalake/raw-nifi/iot.sensor-readings/dt=2026-11-23/hr=13",
                "/datalake/raw-nifi/iot.sensor-readings/dt=2026-11-23/hr=14",
                "/datalake/raw-nifi/iot.sensor-readings/dt=2026-11-23/hr=15");
        // MergeRecord's JSON reader and writer, configured with platform-core's schema, give back the platform's
        // JSON encoding byte for byte: NiFi's files read like hdfs-sink's jsonl files.
        assertThat(landedLines).isEqualTo(expectedLines);
    }

    @Test
    void invalidRecordsBecomeDeadLettersWithTheSinksHeadersAndTheirOwnOffsets() throws Exception {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(SensorReadingCodec.toJson(new SensorReading("dev-1", "meter", "plant-b", HOUR_13, i + 1, Map.of("power", 3.5))));
        }
        records.set(3, "{\"deviceId\":\"dev-1\"}".getBytes(StandardCharsets.UTF_8));
        records.set(7, "<html>".getBytes(StandardCharsets.UTF_8));
        Batch batch = batch(4, 5_000, records);

        TestRunner validate = flow.runner("Validate readings");
        validate.enqueue(batch.content(), batch.attributes());
        validate.run();
        List<MockFlowFile> deadLetters = step(flow.runner("Dead-letter headers"), validate.getFlowFilesForRelationship("invalid"), "success", 2);

        Map<String, MockFlowFile> byOffset = new HashMap<>();
        deadLetters.forEach(f -> byOffset.put(f.getAttribute("dlq.source.offset"), f));
        assertThat(byOffset.keySet()).containsExactlyInAnyOrder("5003", "5007");
        MockFlowFile missingValues = byOffset.get("5003");
        missingValues.assertContentEquals("{\"deviceId\":\"dev-1\"}");
        missingValues.assertAttributeEquals("dlq.reason", "field 'values' is missing or not an object");
        missingValues.assertAttributeEquals("dlq.source.topic", TOPIC);
        missingValues.assertAttributeEquals("dlq.source.partition", "4");
        missingValues.assertAttributeEquals("dlq.service", "nifi-kafka-to-hdfs");
        byOffset.get("5007").assertContentEquals("<html>");

        // What the dead-letter PublishKafka does with it: the topic, and exactly the dlq.* attributes as headers.
        assertThat(flow.evaluate("Publish to <topic>.dlq", "Topic Name", missingValues.getAttributes())).isEqualTo("iot.sensor-readings.dlq");
        Pattern headers = Pattern.compile(flow.processor("Publish to <topic>.dlq").getProperties().get("FlowFile Attribute Header Pattern"));
        assertThat(missingValues.getAttributes().keySet().stream().filter(name -> headers.matcher(name).matches()).sorted().toList())
                .containsExactly("dlq.reason", "dlq.service", "dlq.source.offset", "dlq.source.partition", "dlq.source.topic");
    }
}
