package io.datalakelab.lab.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The lab's state directory (default {@code ./.lab}): data of every component, logs, pid files, and the
 * topology the lab was first started with, which later starts must match.
 */
public record LabState(Path root) {

    public Path runDir() {
        return root.resolve("run");
    }

    public Path logDir() {
        return root.resolve("logs");
    }

    public Path dir(String component) {
        return root.resolve(component);
    }

    /** The last {@code lab demo} report, as JSON: what the dashboard shows as the latest proof. */
    public Path demoReportFile() {
        return root.resolve("demo").resolve("last-report.json");
    }

    private Path topologyFile() {
        return root.resolve("topology.properties");
    }

    /** The broker and DataNode counts the lab's data was formatted for, if it was. */
    public Properties topology() throws IOException {
        Properties p = new Properties();
        if (Files.exists(topologyFile())) {
            try (var in = Files.newBufferedReader(topologyFile())) {
                p.load(in);
            }
        }
        return p;
    }

    public void saveTopology(Properties p) throws IOException {
        Files.createDirectories(root);
        try (var out = Files.newBufferedWriter(topologyFile())) {
            p.store(out, "Data Lake Lab topology: the formatted data belongs to these counts");
        }
    }
}
