package io.datalakelab.iot.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.testkit.KafkaCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shaded jar that `package` builds runs the simulator with `java -jar` and nothing else on the class path. */
class StandaloneJarIT {

    @Test
    void theStandaloneJarSendsReadingsAndPrintsItsReport() throws Exception {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches("ingestion-iot-.*-standalone\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/ingestion-iot-*-standalone.jar: the shade plugin did not run"));
        }
        try (KafkaCluster kafka = new KafkaCluster().withBrokers(1).start()) {
            Path stdout = Files.createTempFile("simulator-", ".json");
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                    "--set", "bootstrap.servers=" + kafka.bootstrapServers(), "--set", "records=500", "--set", "rate=max",
                    "--set", "topic=it.standalone", "--set", "encoding=avro")
                    .redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the simulator ends").isTrue();
            assertThat(process.exitValue()).isZero();
            JsonNode report = new ObjectMapper().readTree(lastLine(stdout));
            assertThat(report.get("acknowledged").asLong()).isEqualTo(500);
            assertThat(report.get("encoding").asText()).isEqualTo("avro");
            try (var admin = kafka.admin()) {
                long records = io.datalakelab.core.topic.TopicOffsets.latest(admin, "it.standalone").values().stream().mapToLong(Long::longValue).sum();
                assertThat(records).isEqualTo(500);
            }
        }
    }

    private static String lastLine(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.get(lines.size() - 1);
    }
}
