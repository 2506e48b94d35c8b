package io.datalakelab.flume;

import static io.datalakelab.testkit.TopicContents.header;
import static io.datalakelab.testkit.TopicContents.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.topic.TopicProvisioner;
import io.datalakelab.core.topic.TopicSpec;
import io.datalakelab.iot.fleet.SensorSimulator;
import io.datalakelab.iot.fleet.SimulationReport;
import io.datalakelab.iot.fleet.SimulatorConfig;
import io.datalakelab.testkit.Await;
import io.datalakelab.testkit.FlumeAgent;
import io.datalakelab.testkit.HdfsCluster;
import io.datalakelab.testkit.KafkaCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lake agent (kafka-to-hdfs.conf) between a Kafka 4.3 broker and a MiniDFSCluster: every reading lands once in
 * the Hive-style directory of its event time, and what is not a reading lands in the DLQ with its source offset.
 */
class LakeAgentIT {

    private static final String ROOT = "/datalake/raw-flume";
    private static final DateTimeFormatter DIRECTORY = DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd/'hr='HH").withZone(ZoneOffset.UTC);

    private static KafkaCluster kafka;
    private static HdfsCluster hdfs;

    @BeforeAll
    static void startClusters() throws Exception {
        kafka = new KafkaCluster().withBrokers(1).start();
        hdfs = new HdfsCluster().start();
    }

    @AfterAll
    static void stopClusters() throws Exception {
        if (hdfs != null) {
            hdfs.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyReadingLandsInItsEventTimePartitionAndBadRecordsGoToTheDeadLetterTopic() throws Exception {
        String topic = "it.flume-lake";
        TopicProvisioner.ensureFitted(kafka.bootstrapServers(), List.of(
                new TopicSpec(topic, 3, (short) 1, 1, TopicSpec.DEFAULT_RETENTION),
                new TopicSpec(topic + ".dlq", 1, (short) 1, 1, TopicSpec.DEFAULT_RETENTION)));
        // Simulated time from just before midnight: the readings cross an hour and a day boundary. Half of them Avro,
        // which the agent rewrites as JSON lines.
        SimulationReport json = simulate(topic, "records=3000", "clock.start=2026-03-31T23:50:00Z", "seed=7");
        SimulationReport avro = simulate(topic, "records=3000", "clock.start=2026-04-01T00:50:00Z", "seed=8", "encoding=avro",
                "malformed.rate=0", "sites=avro-plant");
        assertThat(json.malformed()).isPositive();

        try (FlumeAgent lake = FlumeAgent.of("lake", "kafka-to-hdfs.conf")
                .withEnv("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
                .withEnv("READINGS_TOPIC", topic)
                .withEnv("HDFS_URI", hdfs.uri().toString())
                .withEnv("FLUME_ROLL_SECONDS", "3")
                .start()) {
            FileSystem fs = hdfs.fileSystem();
            Path topicDir = new Path(ROOT + "/" + topic);
            Await.until("6000 readings in closed files under " + topicDir, Duration.ofSeconds(120),
                    () -> landedLines(fs, topicDir).size() >= 6000);

            List<String> directories = new ArrayList<>();
            List<SensorReading> landed = new ArrayList<>();
            for (Map.Entry<String, List<String>> file : landedFiles(fs, topicDir).entrySet()) {
                assertThat(file.getKey()).as("file name").matches(".*/flume-lake-[12]\\.\\d+\\.jsonl");
                directories.add(file.getKey().substring(0, file.getKey().lastIndexOf('/')));
                for (String line : file.getValue()) {
                    SensorReading reading = SensorReadingCodec.fromJson(line.getBytes(StandardCharsets.UTF_8));
                    landed.add(reading);
                    assertThat(file.getKey()).as("directory of %s", line)
                            .startsWith(ROOT + "/" + topic + "/" + DIRECTORY.format(Instant.ofEpochMilli(reading.eventTime())) + "/");
                }
            }
            assertThat(landed).hasSize(6000);
            assertThat(TopicRecords.distinct(landed)).isEqualTo(6000);
            assertThat(directories).anyMatch(d -> d.endsWith("dt=2026-03-31/hr=23"))
                    .anyMatch(d -> d.endsWith("dt=2026-04-01/hr=00"))
                    .anyMatch(d -> d.endsWith("dt=2026-04-01/hr=01"));

            List<ConsumerRecord<String, byte[]>> deadLetters = readUntil(kafka.bootstrapServers(), topic + ".dlq",
                    r -> r.size() >= json.malformed(), Duration.ofSeconds(60));
            assertThat(deadLetters).hasSize((int) json.malformed());
            List<ConsumerRecord<String, byte[]>> source = readUntil(kafka.bootstrapServers(), topic,
                    r -> r.size() >= 6000 + json.malformed(), Duration.ofSeconds(30));
            for (ConsumerRecord<String, byte[]> dead : deadLetters) {
                assertThat(header(dead, "dlq.reason")).isNotBlank();
                assertThat(header(dead, "dlq.source.topic")).isEqualTo(topic);
                int partition = Integer.parseInt(header(dead, "dlq.source.partition"));
                long offset = Long.parseLong(header(dead, "dlq.source.offset"));
                ConsumerRecord<String, byte[]> original = source.stream().filter(r -> r.partition() == partition && r.offset() == offset)
                        .findFirst().orElseThrow();
                assertThat(dead.value()).as("the dead letter is the original record").isEqualTo(original.value());
            }
            assertThat(lake.counter("INTERCEPTOR.lake-readings", "ReadingsValid")).isEqualTo(6000);
        }
    }

    private static SimulationReport simulate(String topic, String... overrides) throws Exception {
        List<String> all = new ArrayList<>(List.of("bootstrap.servers=" + kafka.bootstrapServers(), "topic=" + topic, "topic.partitions=3",
                "topic.replication.factor=1", "topic.min.insync.replicas=1", "rate=max", "clock=simulated", "devices=12",
                "malformed.rate=0.01", "progress.interval=0s"));
        all.addAll(List.of(overrides));
        SimulationReport report = new SensorSimulator(SimulatorConfig.from(SimulatorConfig.SPEC.load(null, Map.of(), all)), null).run();
        assertThat(report.failed()).isZero();
        return report;
    }

    private static List<String> landedLines(FileSystem fs, Path dir) throws IOException {
        return landedFiles(fs, dir).values().stream().flatMap(List::stream).toList();
    }

    /** The closed files (not '_'-prefixed, i.e. not still open) and their lines. */
    private static Map<String, List<String>> landedFiles(FileSystem fs, Path dir) throws IOException {
        Map<String, List<String>> files = new HashMap<>();
        if (!fs.exists(dir)) {
            return files;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            LocatedFileStatus status = it.next();
            if (status.getPath().getName().startsWith("_")) {
                continue;
            }
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(status.getPath()), StandardCharsets.UTF_8))) {
                reader.lines().filter(l -> !l.isEmpty()).forEach(lines::add);
            }
            files.put(status.getPath().toUri().getPath(), lines);
        }
        return files;
    }
}
