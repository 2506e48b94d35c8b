package io.datalakelab.lab.component;

import io.datalakelab.iot.mqtt.MqttBridgeCommand;
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

/**
 * MQTT ingress as lab processes: the system's mosquitto (Debian package {@code mosquitto}) on 127.0.0.1 with
 * persistence and a queue deep enough for a bridge outage, and the MQTT bridge that moves what devices publish there
 * into {@code iot.sensor-readings}.
 */
public final class MqttComponent implements LabComponent {

    /** Where Debian's package puts the broker. */
    static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    /** Readings mosquitto keeps for the bridge's session while the bridge is down (its default of 1000 is a few seconds of a fleet). */
    static final int QUEUED_FOR_BRIDGE = 1_000_000;

    private final LabConfig config;
    private final LabState state;
    private final ManagedProcess broker;
    private final ManagedProcess bridge;

    public MqttComponent(LabConfig config, LabState state) {
        this.config = config;
        this.state = state;
        this.broker = new ManagedProcess(state, "mosquitto");
        this.bridge = new ManagedProcess(state, "mqtt-bridge");
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public List<ManagedProcess> processes() {
        return List.of(broker, bridge);
    }

    /** What devices (and `lab simulate output=mqtt`) connect to. */
    public String brokerUri() {
        return "tcp://127.0.0.1:" + config.mqttPort();
    }

    @Override
    public String endpoint() {
        return "MQTT broker " + brokerUri() + ", bridge health http://localhost:" + config.mqttBridgeHealthPort() + "/health, metrics /metrics";
    }

    private Path dir() {
        return state.dir("mqtt").toAbsolutePath();
    }

    @Override
    public void start() throws Exception {
        if (!Files.isExecutable(MOSQUITTO)) {
            throw new IllegalStateException("no MQTT broker at " + MOSQUITTO + ": install the Debian package 'mosquitto' (apt-get install -y mosquitto)");
        }
        Files.createDirectories(dir().resolve("data"));
        if (broker.running().isEmpty()) {
            Ports.requireFree(config.mqttPort(), "MQTT broker");
            Path conf = dir().resolve("mosquitto.conf");
            Files.writeString(conf, String.join("\n",
                    "# Written by `lab` from the lab's ports; see infra/README.md.",
                    "listener " + config.mqttPort() + " 127.0.0.1",
                    "allow_anonymous true",
                    // Runs as the lab's user (mosquitto would switch to its own user when started as root).
                    "user " + System.getProperty("user.name"),
                    "persistence true",
                    "persistence_location " + dir().resolve("data") + "/",
                    "max_queued_messages " + QUEUED_FOR_BRIDGE,
                    "log_dest stdout",
                    ""));
            broker.start(List.of(MOSQUITTO.toString(), "-c", conf.toString()), dir());
        }
        Readiness.await("the MQTT broker to listen on " + config.mqttPort(), Instant.now().plusSeconds(30), List.of(broker),
                () -> Ports.isListening(config.mqttPort()));
        if (bridge.running().isEmpty()) {
            Ports.requireFree(config.mqttBridgeHealthPort(), "MQTT bridge health");
            Path bridgeConf = dir().resolve("mqtt-bridge.properties");
            Files.writeString(bridgeConf, String.join("\n",
                    "# Written by `lab` from the lab's ports; see ingestion-iot/README.md for every key.",
                    "bootstrap.servers=" + config.bootstrapServers(),
                    "mqtt.broker=" + brokerUri(),
                    "topic.replication.factor=" + config.brokers(),
                    "health.port=" + config.mqttBridgeHealthPort(),
                    ""));
            bridge.start(JavaCommand.of("256m", Optional.of(JavaCommand.classDataArchive(state, bridge.name())), MqttBridgeCommand.class.getName(),
                    List.of("--config", bridgeConf.toString())), dir());
        }
    }

    @Override
    public void awaitReady(Instant deadline) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Readiness.await("the MQTT bridge to report healthy", deadline, processes(), () -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + config.mqttBridgeHealthPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    @Override
    public ComponentStatus status() {
        Long brokerPid = broker.running().map(ProcessHandle::pid).orElse(null);
        Long bridgePid = bridge.running().map(ProcessHandle::pid).orElse(null);
        boolean brokerUp = brokerPid != null && Ports.isListening(config.mqttPort());
        boolean bridgeUp = bridgePid != null && Ports.isListening(config.mqttBridgeHealthPort());
        return new ComponentStatus(name(), List.of(
                new ComponentStatus.ProcessStatus(broker.name(), brokerPid, config.mqttPort(), brokerUp),
                new ComponentStatus.ProcessStatus(bridge.name(), bridgePid, config.mqttBridgeHealthPort(), bridgeUp)),
                brokerUp && bridgeUp, brokerPid == null ? "not running (started by `lab mqtt`)"
                        : "devices publish to " + brokerUri() + " (datalakelab/readings/<site>/<device>), bridged into iot.sensor-readings", List.of());
    }
}
