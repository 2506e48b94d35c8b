package io.datalakelab.flume;

import static io.datalakelab.testkit.TopicContents.header;
import static io.datalakelab.testkit.TopicContents.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.topic.TopicProvisioner;
import io.datalakelab.core.topic.TopicSpec;
import io.datalakelab.testkit.FlumeAgent;
import io.datalakelab.testkit.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logs agent (logs-to-kafka.conf): lines of followed files reach Kafka in order, once, across an agent restart. */
class LogsAgentIT {

    private static KafkaCluster kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = new KafkaCluster().withBrokers(1).start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void linesOfEveryMatchingFileArriveInOrderKeyedByFileAndARestartResumesWhereItStopped(@TempDir Path logs) throws Exception {
        String topic = "it.flume-logs";
        TopicProvisioner.ensureFitted(kafka.bootstrapServers(), List.of(new TopicSpec(topic, 3, (short) 1, 1, TopicSpec.DEFAULT_RETENTION)));
        Path sink = logs.resolve("sink.log");
        Path cdc = logs.resolve("cdc.log");
        Path ignored = logs.resolve("notes.txt");
        append(sink, "sink", 1, 500);
        append(cdc, "cdc", 1, 300);
        append(ignored, "notes", 1, 10);

        try (FlumeAgent agent = FlumeAgent.of("logs", "logs-to-kafka.conf")
                .withEnv("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
                .withEnv("LOGS_TOPIC", topic)
                .withEnv("FLUME_LOG_FILES", logs + "/.*\\.log")
                .withHeap("256m")
                .start()) {
            readUntil(kafka.bootstrapServers(), topic, r -> r.size() >= 800, Duration.ofSeconds(60));

            // Lines written while the agent is down are picked up from its position file after the restart.
            agent.stop();
            append(sink, "sink", 501, 700);
            Path created = logs.resolve("speed-layer.log");
            append(created, "speed", 1, 50);
            agent.start();

            List<ConsumerRecord<String, byte[]>> records = readUntil(kafka.bootstrapServers(), topic, r -> r.size() >= 1050, Duration.ofSeconds(60));
            assertThat(records).hasSize(1050);
            assertLinesInOrder(records, sink, "sink", 700);
            assertLinesInOrder(records, cdc, "cdc", 300);
            assertLinesInOrder(records, created, "speed", 50);
            assertThat(records).allSatisfy(r -> assertThat(header(r, "host")).isNotBlank());
        }
    }

    private static void assertLinesInOrder(List<ConsumerRecord<String, byte[]>> records, Path file, String service, int count) {
        List<String> lines = records.stream().filter(r -> file.toString().equals(r.key()))
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        assertThat(lines).as(file.toString()).containsExactlyElementsOf(IntStream.rangeClosed(1, count).mapToObj(i -> line(service, i)).toList());
    }

    private static void append(Path file, String service, int from, int to) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = from; i <= to; i++) {
            text.append(line(service, i)).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String line(String service, int i) {
        return "2026-11-23T10:00:00Z INFO " + service + " line " + i;
    }
}
