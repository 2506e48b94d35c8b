package io.datalakelab.lab.component;

import io.datalakelab.lab.LabConfig;
import io.datalakelab.lab.process.LabState;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.lab.process.Ports;
import io.datalakelab.lab.process.Readiness;
import io.datalakelab.testkit.FlumeAgent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Flume collection paths as lab processes, each a Flume 1.11 agent in its own JVM on the agent classpath that
 * {@code flume-agent/components} builds (Flume's Kafka parts run kafka-clients 2.7, which talks to the lab's 4.3
 * brokers):
 * <ul>
 *   <li>{@code flume-collector-1} and {@code -2}: Avro RPC in (what {@code lab simulate output=flume} sends to, load
 *       balanced over both), file channel, Kafka sink into {@code iot.sensor-readings};</li>
 *   <li>{@code flume-lake}: {@code iot.sensor-readings} into HDFS under {@code flume.hdfs.root}, in hdfs-sink's layout;</li>
 *   <li>{@code flume-logs}: the lab's own service logs, followed by a TAILDIR source, into topic {@code lab.logs}.</li>
 * </ul>
 * Each agent runs one of {@code flume-agent/conf/*.conf} unchanged; the lab passes its ports and directories as the
 * environment variables those files read.
 */
public final class FlumeComponent implements LabComponent {

    private static final String LAUNCHER = "io.datalakelab.flume.launch.AgentLauncher";

    private final LabConfig config;
    private final LabState state;
    private final List<Agent> agents;

    /** One agent process: its name in the configuration file, the file, its monitoring port and its environment. */
    private record Agent(ManagedProcess process, String agentName, String configFile, int monitoringPort, Map<String, String> environment) {
    }

    public FlumeComponent(LabConfig config, LabState state) {
        this.config = config;
        this.state = state;
        List<Integer> monitoring = config.flumeMonitoringPorts();
        this.agents = List.of(
                collector(1, config.flumeCollectorPorts().get(0), monitoring.get(0)),
                collector(2, config.flumeCollectorPorts().get(1), monitoring.get(1)),
                new Agent(new ManagedProcess(state, "flume-lake"), "lake", "kafka-to-hdfs.conf", monitoring.get(2), Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", config.bootstrapServers(),
                        "HDFS_URI", config.hdfsUri(),
                        "FLUME_HDFS_ROOT", config.flumeHdfsRoot(),
                        "FLUME_AGENT_ID", "lab-lake",
                        "FLUME_ROLL_SECONDS", Long.toString(config.flumeHdfsRoll().toSeconds()),
                        "FLUME_DATA_DIR", dataDir("flume-lake").toString())),
                new Agent(new ManagedProcess(state, "flume-logs"), "logs", "logs-to-kafka.conf", monitoring.get(3), Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", config.bootstrapServers(),
                        // Every service log but this agent's own, which would otherwise ship its own lines about shipping.
                        "FLUME_LOG_FILES", state.logDir().toAbsolutePath() + "/(?!flume-logs\\.).*\\.log",
                        "FLUME_DATA_DIR", dataDir("flume-logs").toString())));
    }

    private Agent collector(int number, int avroPort, int monitoringPort) {
        String name = "flume-collector-" + number;
        return new Agent(new ManagedProcess(state, name), "collector", "readings-collector.conf", monitoringPort, Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", config.bootstrapServers(),
                "FLUME_AVRO_PORT", Integer.toString(avroPort),
                "FLUME_AGENT_ID", name,
                "FLUME_DATA_DIR", dataDir(name).toString()));
    }

    private Path dataDir(String agent) {
        return state.dir("flume").resolve(agent).toAbsolutePath();
    }

    @Override
    public String name() {
        return "flume";
    }

    @Override
    public List<ManagedProcess> processes() {
        return agents.stream().map(Agent::process).toList();
    }

    /** What {@code lab simulate output=flume} sends to. */
    public String collectorAddresses() {
        return String.join(",", config.flumeCollectorPorts().stream().map(p -> "127.0.0.1:" + p).toList());
    }

    @Override
    public String endpoint() {
        return "Flume collectors (Avro RPC) " + collectorAddresses() + "; metrics http://localhost:<"
                + String.join("|", config.flumeMonitoringPorts().stream().map(String::valueOf).toList()) + ">/metrics";
    }

    @Override
    public void start() throws Exception {
        Path home = flumeAgentHome();
        String classpath = FlumeAgent.classpath(home);
        for (Agent agent : agents) {
            if (agent.process().running().isPresent()) {
                continue;
            }
            Ports.requireFree(agent.monitoringPort(), agent.process().name() + " monitoring");
            if (agent.environment().containsKey("FLUME_AVRO_PORT")) {
                Ports.requireFree(Integer.parseInt(agent.environment().get("FLUME_AVRO_PORT")), agent.process().name() + " Avro source");
            }
            Files.createDirectories(Path.of(agent.environment().get("FLUME_DATA_DIR")));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms32m", "-Xmx" + config.flumeHeap(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
                    "-Dflume.monitoring.type=http", "-Dflume.monitoring.port=" + agent.monitoringPort(),
                    "-cp", classpath, LAUNCHER, "-n", agent.agentName(), "-f", home.resolve("conf").resolve(agent.configFile()).toString(),
                    "--no-reload-conf"));
            Map<String, String> environment = new LinkedHashMap<>(agent.environment());
            // The lab's HDFS has no users: write as the user who runs the lab, like hdfs-sink does.
            environment.put("HADOOP_USER_NAME", System.getProperty("user.name"));
            agent.process().start(command, Path.of(agent.environment().get("FLUME_DATA_DIR")), environment);
        }
    }

    @Override
    public void awaitReady(Instant deadline) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (Agent agent : agents) {
            Readiness.await(agent.process().name() + " to start its source", deadline, List.of(agent.process()),
                    () -> sourceStarted(http, agent.monitoringPort()));
        }
    }

    /** Flume's monitoring lists a source with a start time once the agent has started it (after its channels and sinks). */
    private static boolean sourceStarted(HttpClient http, int port) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 && response.body().matches("(?s).*\"SOURCE\\.[^\"]+\":\\{[^}]*\"StartTime\":\"[1-9].*");
    }

    @Override
    public ComponentStatus status() {
        List<ComponentStatus.ProcessStatus> processes = new ArrayList<>();
        boolean allUp = true;
        for (Agent agent : agents) {
            Long pid = agent.process().running().map(ProcessHandle::pid).orElse(null);
            boolean up = pid != null && Ports.isListening(agent.monitoringPort());
            allUp &= up;
            processes.add(new ComponentStatus.ProcessStatus(agent.process().name(), pid, agent.monitoringPort(), up));
        }
        boolean anyRunning = processes.stream().anyMatch(p -> p.pid() != null);
        return new ComponentStatus(name(), processes, allUp, !anyRunning ? "not running (started by `lab flume`)"
                : "collectors on " + collectorAddresses() + " -> iot.sensor-readings; iot.sensor-readings -> hdfs://" + config.flumeHdfsRoot()
                        + "; lab logs -> lab.logs", List.of());
    }

    /** The {@code flume-agent} folder of the checkout the lab runs from. */
    static Path flumeAgentHome() {
        return Path.of(System.getProperty("lab.home", ".")).toAbsolutePath().normalize().resolve("flume-agent");
    }
}
