package io.datalakelab.lab.component;

import io.datalakelab.lab.LabConfig;
import io.datalakelab.lab.process.JavaCommand;
import io.datalakelab.lab.process.LabState;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.lab.process.Ports;
import io.datalakelab.lab.process.Readiness;
import io.datalakelab.rdbms.CdcCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The change-capture service as a lab process: the lab database's row changes into {@code rdbms.lab.<db>.<table>}. */
public final class CdcComponent implements LabComponent {

    /** The lab's logical server name: the second part of every change-event topic. */
    public static final String SERVER = "lab";
    /** The change-event topics of the lab's server, and only those (not its offsets, DLQ or schema-change topics). */
    public static final String TOPICS_REGEX = "rdbms\\.lab\\.[^.]+\\.[^.]+";

    private final LabConfig config;
    private final LabState state;
    private final ManagedProcess cdc;
    private final int replication;

    public CdcComponent(LabConfig config, LabState state, int replication) {
        this.config = config;
        this.state = state;
        this.cdc = new ManagedProcess(state, "ingestion-rdbms");
        this.replication = replication;
    }

    @Override
    public String name() {
        return "ingestion-rdbms";
    }

    @Override
    public List<ManagedProcess> processes() {
        return List.of(cdc);
    }

    public ManagedProcess process() {
        return cdc;
    }

    @Override
    public String endpoint() {
        return "change capture health http://localhost:" + config.cdcHealthPort() + "/health, metrics /metrics";
    }

    /** The service's config file, written on every start so it always matches the lab's ports. */
    public Path configFile() {
        return state.dir("ingestion-rdbms").resolve("ingestion-rdbms.properties").toAbsolutePath();
    }

    @Override
    public void start() throws Exception {
        if (cdc.running().isPresent()) {
            return;
        }
        Ports.requireFree(config.cdcHealthPort(), "change capture health");
        Files.createDirectories(configFile().getParent());
        Files.writeString(configFile(), String.join("\n",
                "# Written by `lab` from the lab's ports; see ingestion-rdbms/README.md for every key.",
                "bootstrap.servers=" + config.bootstrapServers(),
                "database.host=127.0.0.1",
                "database.port=" + config.databasePort(),
                "database.user=root",
                "server.name=" + SERVER,
                "topic.replication=" + replication,
                "health.port=" + config.cdcHealthPort(),
                ""));
        cdc.start(JavaCommand.of(config.cdcHeap(), Optional.of(JavaCommand.classDataArchive(state, cdc.name())), CdcCommand.class.getName(),
                List.of("--config", configFile().toString())), configFile().getParent());
    }

    @Override
    public void awaitReady(Instant deadline) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Readiness.await("change capture to report healthy", deadline, processes(), () -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + config.cdcHealthPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body().matches("(?s).*committed up to (?!\\(starting\\)).*"));
    }

    @Override
    public ComponentStatus status() {
        Long pid = cdc.running().map(ProcessHandle::pid).orElse(null);
        boolean alive = pid != null && Ports.isListening(config.cdcHealthPort());
        return new ComponentStatus(name(), List.of(new ComponentStatus.ProcessStatus(cdc.name(), pid, config.cdcHealthPort(), alive)),
                alive, pid == null ? "not running (started by `lab cdc`)" : "capturing the lab database into rdbms.lab.<db>.<table>", List.of());
    }
}
