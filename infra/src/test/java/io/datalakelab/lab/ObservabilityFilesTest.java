package io.datalakelab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * infra/observability/ against what the platform really serves: the Prometheus configurations scrape the ports the
 * lab and the Ansible roles give the services, and the Grafana dashboard uses only metrics of docs/metrics.md (which
 * LabIT holds to the services' live /metrics) and has the lab page's sections.
 */
class ObservabilityFilesTest {

    private static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path DIR = REPOSITORY.resolve("infra/observability");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theLabConfigurationScrapesEveryServiceOnItsDefaultPort() throws Exception {
        LabConfig defaults = LabConfig.from(LabConfig.SPEC.load(null, Map.of(), List.of()));
        Map<String, Integer> expected = new TreeMap<>(Map.of(
                "lab-dashboard", defaults.dashboardPort(),
                "hdfs-sink", defaults.sinkHealthPort(),
                "ingestion-rdbms", defaults.cdcHealthPort(),
                "hdfs-sink-rdbms", defaults.rdbmsSinkHealthPort(),
                "speed-layer", defaults.speedLayerHealthPort(),
                "mqtt-bridge", defaults.mqttBridgeHealthPort(),
                "sensor-simulator", defaults.simulatorHealthPort()));
        assertThat(staticTargets(DIR.resolve("prometheus-lab.yml"))).isEqualTo(targets(expected, "127.0.0.1"));
    }

    @Test
    void theClusterConfigurationScrapesEveryServiceTheAnsibleRoleStartsOnTheMaster() throws Exception {
        JsonNode role = YAML.readTree(REPOSITORY.resolve("ansible/roles/datalake_services/defaults/main.yml").toFile());
        Map<String, Integer> expected = new TreeMap<>();
        for (JsonNode service : role.path("datalake_services")) {
            String port = service.path("health_port").asText();
            if (port.isBlank()) {
                continue; // the simulator runs without an endpoint on the cluster (and is off by default)
            }
            // "{{ datalake_hdfs_sink_health_port }}" -> the variable's default
            String variable = port.replaceAll("[{}\\s]", "");
            String job = service.path("name").asText().equals("cdc") ? "ingestion-rdbms" : service.path("name").asText();
            expected.put(job, role.path(variable).asInt());
        }
        assertThat(expected).containsKeys("hdfs-sink", "ingestion-rdbms", "hdfs-sink-rdbms", "speed-layer");
        Map<String, Set<String>> scraped = staticTargets(DIR.resolve("prometheus-cluster.yml"));
        assertThat(scraped).isEqualTo(targets(expected, "master"));
        JsonNode config = YAML.readTree(DIR.resolve("prometheus-cluster.yml").toFile());
        assertThat(config.path("scrape_configs").findValues("file_sd_configs")).isNotEmpty();
    }

    @Test
    void theGrafanaDashboardUsesOnlyDocumentedMetricsAndHasThePagesSections() throws Exception {
        JsonNode dashboard = JSON.readTree(DIR.resolve("grafana-dashboard.json").toFile());
        MetricsTable table = MetricsTable.read();
        Set<String> used = new TreeSet<>();
        Set<Integer> ids = new TreeSet<>();
        List<String> rows = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s once", panel.path("id")).isTrue();
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(expr).as(panel.path("title").asText()).isNotBlank();
                used.addAll(metricNames(expr));
            }
        }
        assertThat(used).as("metrics the dashboard uses").isNotEmpty()
                .allSatisfy(name -> assertThat(table.has(table.familyOf(name))).as("%s is in docs/metrics.md", name).isTrue());
        // Every service's own metrics appear somewhere, so the dashboard covers the flow end to end.
        for (String prefix : MetricsTable.OWN_PREFIXES) {
            assertThat(used).as("a panel uses %s*", prefix).anyMatch(name -> name.startsWith(prefix));
        }
        assertThat(rows).containsExactlyElementsOf(pageSections());
    }

    /** The page's section titles (its h2 headings), as text. */
    private static List<String> pageSections() throws Exception {
        String html = Files.readString(REPOSITORY.resolve("infra/src/main/resources/io/datalakelab/lab/dashboard/index.html"));
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<h2>(.*?)</h2>").matcher(html);
        while (m.find()) {
            out.add(m.group(1).replaceAll("<[^>]+>", ""));
        }
        return out;
    }

    /** The platform's metric names in a PromQL expression (label names and functions have none of its prefixes). */
    private static Set<String> metricNames(String expr) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("\\b[a-z_][a-z0-9_]*\\b").matcher(expr.replaceAll("\"[^\"]*\"", ""));
        while (m.find()) {
            if (MetricsTable.isOwn(m.group())) {
                out.add(m.group());
            }
        }
        return out;
    }

    private static Map<String, Set<String>> staticTargets(Path file) throws Exception {
        Map<String, Set<String>> out = new TreeMap<>();
        for (JsonNode job : YAML.readTree(file.toFile()).path("scrape_configs")) {
            for (JsonNode group : job.path("static_configs")) {
                for (JsonNode target : group.path("targets")) {
                    out.computeIfAbsent(job.path("job_name").asText(), j -> new TreeSet<>()).add(target.asText());
                }
            }
        }
        return out;
    }

    private static Map<String, Set<String>> targets(Map<String, Integer> ports, String host) {
        Map<String, Set<String>> out = new TreeMap<>();
        ports.forEach((job, port) -> out.put(job, Set.of(host + ":" + port)));
        return out;
    }
}
