package io.datalakelab.lab.component;

import io.datalakelab.iot.speed.SpeedLayerCommand;
import io.datalakelab.lab.LabConfig;
import io.datalakelab.lab.process.JavaCommand;
import io.datalakelab.lab.process.LabState;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.lab.process.Ports;
import io.datalakelab.lab.process.Readiness;
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

/** The Kafka Streams speed layer as a lab process: alerts and windowed aggregates of the lab's sensor readings. */
public final class SpeedLayerComponent implements LabComponent {

    private final LabConfig config;
    private final LabState state;
    private final ManagedProcess speedLayer;

    public SpeedLayerComponent(LabConfig config, LabState state) {
        this.config = config;
        this.state = state;
        this.speedLayer = new ManagedProcess(state, "speed-layer");
    }

    @Override
    public String name() {
        return "speed-layer";
    }

    @Override
    public List<ManagedProcess> processes() {
        return List.of(speedLayer);
    }

    @Override
    public String endpoint() {
        return "speed layer health http://localhost:" + config.speedLayerHealthPort() + "/health, metrics /metrics";
    }

    /** The service's config file, written on every start so it always matches the lab's ports. */
    public Path configFile() {
        return state.dir("speed-layer").resolve("speed-layer.properties").toAbsolutePath();
    }

    @Override
    public void start() throws Exception {
        if (speedLayer.running().isPresent()) {
            return;
        }
        Ports.requireFree(config.speedLayerHealthPort(), "speed layer health");
        Files.createDirectories(configFile().getParent());
        Files.writeString(configFile(), String.join("\n",
                "# Written by `lab` from the lab's ports; see ingestion-iot/README.md for every key.",
                "bootstrap.servers=" + config.bootstrapServers(),
                "state.dir=" + state.dir("speed-layer").resolve("state").toAbsolutePath(),
                "topic.replication.factor=" + config.brokers(),
                "health.port=" + config.speedLayerHealthPort(),
                ""));
        speedLayer.start(JavaCommand.of(config.speedLayerHeap(), Optional.of(JavaCommand.classDataArchive(state, speedLayer.name())),
                SpeedLayerCommand.class.getName(), List.of("--config", configFile().toString())), configFile().getParent());
    }

    @Override
    public void awaitReady(Instant deadline) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Readiness.await("the speed layer to run", deadline, processes(), () -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + config.speedLayerHealthPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("RUNNING"));
    }

    @Override
    public ComponentStatus status() {
        Long pid = speedLayer.running().map(ProcessHandle::pid).orElse(null);
        boolean alive = pid != null && Ports.isListening(config.speedLayerHealthPort());
        return new ComponentStatus(name(), List.of(new ComponentStatus.ProcessStatus(speedLayer.name(), pid, config.speedLayerHealthPort(), alive)),
                alive, pid == null ? "not running (started by `lab speed-layer`)" : "alerts to iot.alerts, aggregates to iot.aggregates.*", List.of());
    }
}
