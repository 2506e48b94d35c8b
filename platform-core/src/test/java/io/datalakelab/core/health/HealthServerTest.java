package io.datalakelab.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final PrometheusMeterRegistry registry = HealthServer.newRegistry();
    private HealthServer server;

    @BeforeEach
    void start() throws IOException {
        server = new HealthServer("127.0.0.1", 0, registry);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void healthyChecksGiveStatus200AndUp() throws Exception {
        server.register("kafka", () -> HealthCheck.Status.up("3 brokers reachable"));

        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("checks").path("kafka").path("status").asText()).isEqualTo("UP");
    }

    @Test
    void oneFailingCheckGivesStatus503AndDownWithItsDetail() throws Exception {
        server.register("kafka", () -> HealthCheck.Status.up("3 brokers reachable"))
                .register("hdfs", () -> HealthCheck.Status.down("namenode unreachable"));

        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("DOWN");
        assertThat(body.path("checks").path("kafka").path("status").asText()).isEqualTo("UP");
        assertThat(body.path("checks").path("hdfs").path("status").asText()).isEqualTo("DOWN");
        assertThat(body.path("checks").path("hdfs").path("detail").asText()).isEqualTo("namenode unreachable");
    }

    @Test
    void checkThatThrowsIsReportedDownWithTheException() throws Exception {
        server.register("hdfs", () -> {
            throw new IllegalStateException("no route to namenode");
        });

        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).path("checks").path("hdfs").path("detail").asText())
                .contains("no route to namenode");
    }

    @Test
    void countersOfTheRegistryAppearInMetrics() throws Exception {
        registry.counter("sink.records.written", "topic", "iot.sensor-readings").increment(3);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body()).contains("sink_records_written_total{topic=\"iot.sensor-readings\"} 3.0");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
