package io.datalakelab.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one table of every metric the platform exposes, read from docs/metrics.md: name, type, labels, the services
 * that expose it. Tests hold the services' live {@code /metrics} and the Grafana dashboard to it.
 */
record MetricsTable(List<Row> rows) {

    static final Path FILE = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/metrics.md");
    /** The platform's own name prefixes; other names on a page (Kafka clients' own, for example) are documented as families. */
    static final List<String> OWN_PREFIXES = List.of("lab_", "sink_", "cdc_", "speed_layer_", "mqtt_bridge_", "simulator_");
    /** What Prometheus's text format adds to a family's name for its parts (a summary's count and sum, Micrometer's max). */
    private static final Pattern PART = Pattern.compile("_(count|sum|bucket|max|created)$");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z_:][a-z0-9_:]*)`\\s*\\|\\s*([a-z]+)\\s*\\|([^|]*)\\|([^|]*)\\|.*$");

    record Row(String name, String type, String labels, Set<String> services) {
    }

    static MetricsTable read() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(FILE)) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                Set<String> services = new LinkedHashSet<>();
                for (String service : m.group(4).replace("`", "").split(",")) {
                    services.add(service.trim());
                }
                rows.add(new Row(m.group(1), m.group(2), m.group(3).trim(), services));
            }
        }
        return new MetricsTable(List.copyOf(rows));
    }

    /** The family a sample name belongs to: itself if the table has it, else without a count/sum/bucket/max suffix. */
    String familyOf(String sample) {
        if (has(sample)) {
            return sample;
        }
        return PART.matcher(sample).replaceFirst("");
    }

    boolean has(String name) {
        return rows.stream().anyMatch(r -> r.name().equals(name));
    }

    List<Row> of(String service) {
        return rows.stream().filter(r -> r.services().contains(service)).toList();
    }

    static boolean isOwn(String name) {
        return OWN_PREFIXES.stream().anyMatch(name::startsWith);
    }
}
