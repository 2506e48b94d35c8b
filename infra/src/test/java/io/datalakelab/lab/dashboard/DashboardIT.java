package io.datalakelab.lab.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.lab.Lab;
import io.datalakelab.lab.LabConfig;
import io.datalakelab.testkit.Directories;
import io.datalakelab.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard of a lab that is not running, in a real browser: the page still loads without a console error and
 * says what is down. (LabIT checks it on a running lab.)
 */
class DashboardIT {

    @Test
    void thePageOfALabThatIsDownLoadsWithoutConsoleErrorsAndShowsEveryBrokerDown() throws Exception {
        Path stateDir = Files.createTempDirectory("dashboard-it-");
        LabConfig config = LabConfig.from(LabConfig.SPEC.load(null, Map.of(), List.of(
                "kafka.client.ports=" + ports(3), "kafka.controller.ports=" + ports(3), "hdfs.namenode.rpc.port=" + FreePorts.next(),
                "database.port=" + FreePorts.next(), "dashboard.refresh=1s")));
        Lab lab = new Lab(config, stateDir);
        try (DashboardServer server = new DashboardServer(lab, "127.0.0.1", FreePorts.next(), config.dashboardRefresh());
             DashboardBrowser browser = new DashboardBrowser()) {
            assertThat(server.awaitFirstLook(Duration.ofSeconds(60))).isTrue();
            browser.open(server.url());
            browser.await("3 brokers on the page", Duration.ofSeconds(30), () -> browser.all("#brokers tbody tr[data-broker]").size() == 3);

            assertThat(browser.all("#brokers tbody tr[data-broker]")).allSatisfy(row -> assertThat(row.getDomAttribute("data-healthy")).isEqualTo("false"));
            assertThat(browser.text("#kafka-problem")).contains("not answering");
            assertThat(browser.text("#overall")).isEqualTo("infrastructure not healthy");
            assertThat(browser.text("#hdfs-summary")).contains("not listening");
            assertThat(browser.text("#demo")).contains("No demo has run");
            assertThat(browser.consoleErrors()).isEmpty();

            // Read-only: nothing but GET and HEAD is accepted, anywhere.
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/", "/api/snapshot", "/metrics")) {
                HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(server.url() + path.substring(1)))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(post.statusCode()).as("POST " + path).isEqualTo(405);
            }
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(server.url() + "metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("lab_up 0", "lab_kafka_broker_up{broker=\"1\"} 0");
        } finally {
            Directories.deleteRecursively(stateDir);
        }
    }

    private static String ports(int count) {
        return IntStream.range(0, count).mapToObj(i -> Integer.toString(FreePorts.next())).collect(Collectors.joining(","));
    }
}
