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

/** An HDFS sink service as a lab process, landing one flow's topics in the lab's HDFS. */
public final class SinkComponent implements LabComponent {

    /**
     * What one sink of the lab lands: its topics (a list, or a regular expression so new topics are picked up),
     * the value field with the event time, and its health port.
     */
    public record Flow(String name, String topicSetting, String eventTimeField, int healthPort, String description, String startedBy) {

        /** The fleet's readings: {@code hdfs-sink}, started by {@code lab sink} and {@code lab demo}. */
        public static Flow sensorReadings(LabConfig config) {
            return new Flow("hdfs-sink", "topics=" + Topics.SENSOR_READINGS, "eventTime", config.sinkHealthPort(),
                    "landing " + Topics.SENSOR_READINGS, "`lab sink` or `lab demo`");
        }

        /** Every change-event topic of the lab's database: {@code hdfs-sink-rdbms}, started by {@code lab cdc}. */
        public static Flow changeEvents(LabConfig config) {
            return new Flow("hdfs-sink-rdbms", "topics.regex=" + CdcComponent.TOPICS_REGEX.replace("\\", "\\\\"), "ts_ms",
                    config.rdbmsSinkHealthPort(), "landing rdbms.lab.<db>.<table>", "`lab demo` or `lab cdc`");
        }
    }

    private final LabConfig config;
    private final LabState state;
    private final ManagedProcess sink;
    private final int replication;
    private final Flow flow;

    public SinkComponent(LabConfig config, LabState state, int replication, Flow flow) {
        this.config = config;
        this.state = state;
        this.flow = flow;
        this.sink = new ManagedProcess(state, flow.name());
        this.replication = replication;
    }

    @Override
    public String name() {
        return flow.name();
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
        return flow.name() + " health http://localhost:" + flow.healthPort() + "/health, metrics /metrics";
    }

    /** The sink's config file, written on every start so it always matches the lab's ports. */
    public Path configFile() {
        return state.dir(flow.name()).resolve(flow.name() + ".properties").toAbsolutePath();
    }

    @Override
    public void start() throws Exception {
        if (sink.running().isPresent()) {
            return;
        }
        Ports.requireFree(flow.healthPort(), flow.name() + " health");
        Files.createDirectories(configFile().getParent());
        Files.writeString(configFile(), String.join("\n",
                "# Written by `lab` from the lab's ports; see hdfs-sink/README.md for every key.",
                "bootstrap.servers=" + config.bootstrapServers(),
                flow.topicSetting(),
                "partition.event.time.field=" + flow.eventTimeField(),
                "group.id=lab-" + flow.name(),
                "hdfs.uri=" + config.hdfsUri(),
                "hdfs.replication=" + replication,
                "flush.records=20000",
                "rotate.interval=5s",
                "health.port=" + flow.healthPort(),
                // Static membership: a restarted sink takes its partitions back at once.
                "kafka.consumer.group.instance.id=lab-" + flow.name() + "-1",
                // New topics matching a regex are seen at the next metadata refresh: make it come soon.
                "kafka.consumer.metadata.max.age.ms=5000",
                ""));
        sink.start(JavaCommand.of(config.sinkHeap(), Optional.of(JavaCommand.classDataArchive(state, sink.name())), HdfsSinkCommand.class.getName(),
                List.of("--config", configFile().toString())), configFile().getParent());
    }

    @Override
    public void awaitReady(Instant deadline) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Readiness.await(flow.name() + " to report healthy", deadline, processes(), () -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + flow.healthPort() + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    @Override
    public ComponentStatus status() {
        Long pid = sink.running().map(ProcessHandle::pid).orElse(null);
        boolean alive = pid != null && Ports.isListening(flow.healthPort());
        return new ComponentStatus(name(), List.of(new ComponentStatus.ProcessStatus(sink.name(), pid, flow.healthPort(), alive)),
                alive, pid == null ? "not running (started by " + flow.startedBy() + ")" : flow.description(), List.of());
    }
}
