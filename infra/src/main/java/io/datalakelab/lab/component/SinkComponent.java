package io.datalakelab.lab.component;

import io.datalakelab.core.topic.Topics;
import io.datalakelab.lab.LabConfig;
import io.datalakelab.lab.process.JavaCommand;
import io.datalakelab.lab.process.LabState;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.lab.process.Ports;
import io.datalakelab.lab.process.Readiness;
import io.datalakelab.sink.HdfsSinkCommand;
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

/** The HDFS sink service as a lab process, landing {@code iot.sensor-readings} in the lab's HDFS. */
public final class SinkComponent implements LabComponent {

    private final LabConfig config;
    private final LabState state;
    private final ManagedProcess sink;
    private final int replication;

    public SinkComponent(LabConfig config, LabState state, int replication) {
        this.config = config;
        this.state = state;
        this.sink = new ManagedProcess(state, "hdfs-sink");
        this.replication = replication;
    }

    @Override
    public String name() {
        return "hdfs-sink";
    }

    @Override
    public List<ManagedProcess> processes() {
        return List.of(sink);
    }

    public ManagedProcess process() {
        return sink;
    }

    @Override
    public String endpoint() {
        return "HDFS sink health http://localhost:" + config.sinkHealthPort() + "/health, metrics /metrics";
    }

    /** The sink's config file, written on every start so it always matches the lab's ports. */
    public Path configFile() {
        return state.dir("hdfs-sink").resolve("hdfs-sink.properties").toAbsolutePath();
    }

    @Override
    public void start() throws Exception {
        if (sink.running().isPresent()) {
            return;
        }
        Ports.requireFree(config.sinkHealthPort(), "HDFS sink health");
        Files.createDirectories(configFile().getParent());
        Files.writeString(configFile(), String.join("\n",
                "# Written by `lab` from the lab's ports; see hdfs-sink/README.md for every key.",
                "bootstrap.servers=" + config.bootstrapServers(),
                "topics=" + Topics.SENSOR_READINGS,
                "group.id=lab-hdfs-sink",
                "hdfs.uri=" + config.hdfsUri(),
                "hdfs.replication=" + replication,
                "flush.records=20000",
                "rotate.interval=5s",
                "health.port=" + config.sinkHealthPort(),
                // Static membership: a restarted sink takes its partitions back at once.
                "kafka.consumer.group.instance.id=lab-hdfs-sink-1",
                ""));
        sink.start(JavaCommand.of(config.sinkHeap(), Optional.of(JavaCommand.classDataArchive(state, sink.name())), HdfsSinkCommand.class.getName(),
                List.of("--config", configFile().toString())), configFile().getParent());
    }

    @Override
    public void awaitReady(Instant deadline) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Readiness.await("the HDFS sink to report healthy", deadline, processes(), () -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + config.sinkHealthPort() + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    @Override
    public ComponentStatus status() {
        Long pid = sink.running().map(ProcessHandle::pid).orElse(null);
        boolean alive = pid != null && Ports.isListening(config.sinkHealthPort());
        return new ComponentStatus(name(), List.of(new ComponentStatus.ProcessStatus(sink.name(), pid, config.sinkHealthPort(), alive)),
                alive, pid == null ? "not running (started by `lab demo`)" : "landing " + Topics.SENSOR_READINGS, List.of());
    }
}
