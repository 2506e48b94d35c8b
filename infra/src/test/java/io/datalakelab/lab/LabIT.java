package io.datalakelab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.topic.Topics;
import io.datalakelab.lab.chaos.ChaosReport;
import io.datalakelab.lab.chaos.ChaosRun;
import io.datalakelab.lab.chaos.ChaosScenario;
import io.datalakelab.lab.component.ComponentStatus;
import io.datalakelab.lab.dashboard.DashboardBrowser;
import io.datalakelab.lab.dashboard.DashboardServer;
import io.datalakelab.lab.demo.DemoReport;
import io.datalakelab.lab.demo.LabDemo;
import io.datalakelab.lab.process.JavaCommand;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.lab.process.Ports;
import io.datalakelab.testkit.Directories;
import io.datalakelab.testkit.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The lab as a user runs it: real broker, NameNode, DataNode, mariadbd and sink processes, on free ports so
 * that it runs beside a lab on the default ones. Started once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabIT {

    private static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).getParent();

    private static Path stateDir;
    private static List<String> settings;
    private static Lab lab;
    private static Lab.UpReport upReport;
    /** Where the dashboard test puts its screenshots; docs/images holds copies of them (a test never rewrites the tree). */
    private static final Path IMAGES = Path.of("target/dashboard-screenshots").toAbsolutePath();
    private static DashboardServer dashboard;
    private static DashboardBrowser browser;
    /** Pages of /metrics taken while their state lasted (a running simulator, a lagging sink), for the metrics table. */
    private static final Map<String, String> scrapes = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void startLab() throws Exception {
        // The lab's child JVMs run from this module's test classpath, as the lab script would give them.
        System.setProperty(JavaCommand.CLASSPATH_PROPERTY, testClasspath());
        // Where `lab flume` finds flume-agent/ (the lab script sets it to the checkout).
        System.setProperty("lab.home", REPOSITORY.toString());
        stateDir = Files.createTempDirectory("lab-it-");
        settings = List.of(
                "kafka.client.ports=" + ports(3),
                "kafka.controller.ports=" + ports(3),
                "hdfs.namenode.rpc.port=" + FreePorts.next(),
                "hdfs.namenode.http.port=" + FreePorts.next(),
                "hdfs.datanode.ports=" + ports(9),
                "database.port=" + FreePorts.next(),
                "sink.health.port=" + FreePorts.next(), "cdc.health.port=" + FreePorts.next(),
                "rdbms.sink.health.port=" + FreePorts.next(), "speed.layer.health.port=" + FreePorts.next(),
                "mqtt.port=" + FreePorts.next(), "mqtt.bridge.health.port=" + FreePorts.next(),
                "flume.collector.ports=" + ports(2), "flume.monitoring.ports=" + ports(4), "flume.hdfs.roll=3s",
                "simulator.health.port=" + FreePorts.next(), "dashboard.port=" + FreePorts.next(), "dashboard.refresh=2s");
        lab = new Lab(LabConfig.from(LabConfig.SPEC.load(null, Map.of(), settings)), stateDir);
        upReport = lab.up(System.err);
    }

    @AfterAll
    static void stopLab() throws Exception {
        stopDashboard();
        if (lab != null) {
            lab.down(false, System.err);
        }
        if (stateDir != null) {
            Directories.deleteRecursively(stateDir);
        }
    }

    @Test
    @Order(1)
    void upStartsEveryComponentAsAProcessAndStatusShowsThem() {
        List<ComponentStatus> statuses = lab.status();
        Map<String, ComponentStatus> byName = statuses.stream().collect(Collectors.toMap(ComponentStatus::name, s -> s));
        assertThat(byName.get("kafka").healthy()).as(byName.get("kafka").summary()).isTrue();
        assertThat(byName.get("kafka").processes()).hasSize(3).allSatisfy(p -> assertThat(p.alive()).isTrue());
        assertThat(byName.get("hdfs").healthy()).as(byName.get("hdfs").summary()).isTrue();
        assertThat(byName.get("hdfs").summary()).startsWith("2/2 DataNodes live");
        assertThat(byName.get("database").healthy()).isTrue();
        assertThat(byName.get("database").detail().get(0)).containsEntry("binlogFormat", "ROW");

        Map<String, Object> readings = byName.get("kafka").detail().stream()
                .filter(row -> Topics.SENSOR_READINGS.equals(row.get("topic"))).findFirst().orElseThrow();
        assertThat(readings).containsEntry("partitions", 6).containsEntry("replication", 3)
                .containsEntry("retentionMs", Duration.ofHours(168).toMillis());
        assertThat(upReport.residentBytes()).isPositive();
        // None of the services runs yet: `lab status` still says the lab is fine.
        assertThat(labCommand("status").exitCode()).isZero();
        System.err.printf("lab up took %.1f s, %d MiB resident%n", upReport.took().toMillis() / 1000.0, upReport.residentBytes() >> 20);
    }

    @Test
    @Order(2)
    void demoLandsEveryReadingExactlyOnceAlthoughTheSinkIsKilledMidFlowAndTheDatabaseChangesReplayFromHdfs() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8);
        DemoReport report = new LabDemo(lab, out)
                .run(30_000, 20, 3_000, ChaosScenario.SINK_KILL.plan(lab, 1, Duration.ZERO, out), Duration.ofMinutes(5), 300);
        System.err.print(progress.toString(StandardCharsets.UTF_8) + report.toText());
        assertThat(report.sinkKills()).isEqualTo(1);
        assertThat(report.fleet().acknowledged()).isEqualTo(30_000);
        assertThat(report.audit().records()).isEqualTo(30_000);
        assertThat(report.audit().devices()).isEqualTo(20);
        assertThat(report.audit().lost()).isZero();
        assertThat(report.audit().duplicated()).isZero();
        assertThat(report.audit().offsetOverlaps()).isZero();
        assertThat(report.audit().recordsPerPartition().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(30_000);
        // MySQL -> Kafka -> HDFS through the change-capture and sink processes: the landed events replay to the tables.
        assertThat(report.changeCapture().mismatches()).isEmpty();
        assertThat(report.changeCapture().tableRows()).containsEntry("customers", 30);
        assertThat(report.changeCapture().tableRows().get("orders")).isBetween(200, 300);
        assertThat(report.changeCapture().replayedRows()).isEqualTo(report.changeCapture().tableRows());
        assertThat(report.passed()).isTrue();
    }

    @Test
    @Order(3)
    void theDashboardShowsThreeBrokersAndASinkLagThatGrowsWhileTheSinkIsStoppedAndShrinksWhenItRunsAgain() throws Exception {
        dashboard = new DashboardServer(lab, "127.0.0.1", lab.config().dashboardPort(), lab.config().dashboardRefresh());
        assertThat(dashboard.awaitFirstLook(Duration.ofSeconds(60))).isTrue();
        browser = new DashboardBrowser();
        browser.open(dashboard.url());
        browser.await("3 healthy brokers on the page", Duration.ofSeconds(60), () -> browser.all("#brokers tbody tr[data-broker]").size() == 3
                && browser.all("#brokers tbody tr[data-healthy='true']").size() == 3);
        assertThat(browser.all("#brokers tbody tr").stream().filter(row -> row.getText().contains("active controller"))).hasSize(1);
        assertThat(browser.attribute("[data-demo-lost]", "data-demo-lost")).as("the demo's proof").isEqualTo("0");
        assertThat(browser.attribute("[data-demo-duplicated]", "data-demo-duplicated")).isEqualTo("0");
        String sinkGroup = "#groups [data-group='lab-hdfs-sink']";
        browser.await("the sink to have landed everything", Duration.ofSeconds(60), () -> lagOnPage(sinkGroup) == 0);

        lab.sink().process().stop(Duration.ofSeconds(30));
        long peak;
        try {
            // 6,000 readings while the sink is down, sent by the simulator's own command, which serves /health and /metrics meanwhile.
            int simulatorPort = lab.config().simulatorHealthPort();
            io.datalakelab.iot.fleet.SimulatorConfig fleet = io.datalakelab.iot.fleet.SimulatorConfig.from(io.datalakelab.iot.fleet.SimulatorConfig.SPEC.load(
                    null, Map.of(), List.of("bootstrap.servers=" + lab.config().bootstrapServers(), "sites=dashboard-it", "devices=20",
                            "records=6000", "rate=1500", "progress.interval=0s", "health.port=" + simulatorPort)));
            java.util.concurrent.CompletableFuture<Integer> sending = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return io.datalakelab.iot.fleet.SimulatorCommand.run(fleet);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            io.datalakelab.testkit.Await.until("the simulator's /metrics while it sends", Duration.ofSeconds(30), () -> {
                String page = get(simulatorPort, "/metrics");
                scrapes.put("sensor-simulator", page);
                return page.contains("simulator_readings_acknowledged_total") && !page.contains("simulator_readings_acknowledged_total 0.0");
            });
            assertThat(get(simulatorPort, "/health")).contains("\"status\":\"UP\"");
            assertThat(sending.get(2, TimeUnit.MINUTES)).isZero();
    
            browser.await("a lag of 6,000 readings on the page", Duration.ofSeconds(60), () -> lagOnPage(sinkGroup) >= 6_000);
            // The age of the oldest unconsumed reading, against 168 h of retention: well in the green.
            browser.await("the age of the oldest unconsumed readings", Duration.ofSeconds(30), () -> browser.all(sinkGroup + " tbody tr").stream()
                    .anyMatch(row -> row.getText().contains(" old")));
            assertThat(browser.attribute(sinkGroup, "data-risk")).isEqualTo("GREEN");
            scrapes.put("lab dashboard (lagging)", get(dashboard.port(), "/metrics"));
            assertThat(scrapes.get("lab dashboard (lagging)")).contains("lab_kafka_consumer_lag{group=\"lab-hdfs-sink\",partition=\"0\",topic=\"iot.sensor-readings\"}");
            browser.screenshot(IMAGES.resolve("dashboard-sink-stopped.png"), null);
            peak = lagOnPage(sinkGroup);
        } finally {
            // the later tests need the sink running, whatever happened above
            lab.sink().start();
            lab.sink().awaitReady(java.time.Instant.now().plusSeconds(120));
        }
        browser.await("the lag to shrink back to 0", Duration.ofSeconds(120), () -> lagOnPage(sinkGroup) == 0);
        assertThat(peak).isGreaterThanOrEqualTo(6_000);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private static long lagOnPage(String groupCss) {
        String lag = browser.attribute(groupCss, "data-lag");
        return lag == null ? -1 : Long.parseLong(lag);
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    @Order(4)
    void theSpeedLayerProcessRaisesAnAlertForEveryDemoReadingOver80Kg() throws Exception {
        lab.speedLayer().start();
        lab.speedLayer().awaitReady(java.time.Instant.now().plusSeconds(120));
        long over80 = 0;
        long inTopic = 0;
        try (var consumer = reader(Topics.SENSOR_READINGS, "read_uncommitted")) {
            Map<Integer, Long> end = new java.util.HashMap<>();
            try (var admin = lab.kafka().admin()) {
                end.putAll(io.datalakelab.core.topic.TopicOffsets.latest(admin, Topics.SENSOR_READINGS));
            }
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (inTopic < total && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(300))) {
                    inTopic++;
                    var reading = io.datalakelab.core.schema.SensorReadingCodec.decode(r.value());
                    over80 += reading.values().getOrDefault("weight", 0.0) > 80 ? 1 : 0;
                }
            }
            assertThat(inTopic).isEqualTo(total);
        }
        assertThat(over80).as("the demo fleet has wearables of heavy people").isPositive();
        long alerts = 0;
        try (var consumer = reader(Topics.ALERTS, "read_committed")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            boolean settled = false;
            while (!settled && System.nanoTime() < deadline) {
                // Once the count is reached, one more quiet poll shows that no duplicate follows.
                var records = consumer.poll(Duration.ofMillis(alerts >= over80 ? 2000 : 300));
                settled = alerts >= over80 && records.isEmpty();
                for (var r : records) {
                    alerts += new String(r.value(), StandardCharsets.UTF_8).contains("\"rule\":\"weight-over-80\"") ? 1 : 0;
                }
            }
        }
        assertThat(alerts).isEqualTo(over80);
        assertThat(lab.status().stream().filter(s -> s.name().equals("speed-layer")).findFirst().orElseThrow().healthy()).isTrue();
    }

    @Test
    @Order(5)
    void theLabsMqttIngressBridgesEveryReadingOfAFleetIntoKafkaOnce() throws Exception {
        lab.mqtt().start();
        lab.mqtt().awaitReady(java.time.Instant.now().plusSeconds(120));
        String site = "mqtt-it";
        io.datalakelab.iot.fleet.SimulatorConfig config = io.datalakelab.iot.fleet.SimulatorConfig.from(io.datalakelab.iot.fleet.SimulatorConfig.SPEC.load(
                null, Map.of(), List.of("output=mqtt", "mqtt.broker=" + lab.mqtt().brokerUri(), "sites=" + site, "records=1000",
                        "rate=max", "progress.interval=0s")));
        var report = new io.datalakelab.iot.fleet.SensorSimulator(config, null, new io.datalakelab.iot.mqtt.MqttOutput(config)).run();
        assertThat(report.acknowledged()).as("PUBACKs from the lab's mosquitto").isEqualTo(1000);

        assertEveryReadingOfSiteOnceInKafka(site, 1000);
        assertThat(lab.status().stream().filter(s -> s.name().equals("mqtt")).findFirst().orElseThrow().healthy()).isTrue();
    }

    @Test
    @Order(5)
    void theLabsFlumeCollectorsBringAFleetIntoKafkaAndTheLakeAgentLandsItInHdfs() throws Exception {
        lab.flume().start();
        lab.flume().awaitReady(java.time.Instant.now().plusSeconds(120));
        String site = "flume-it";
        io.datalakelab.iot.fleet.SimulatorConfig config = io.datalakelab.iot.fleet.SimulatorConfig.from(io.datalakelab.iot.fleet.SimulatorConfig.SPEC.load(
                null, Map.of(), List.of("output=flume", "flume.agents=" + lab.flume().collectorAddresses(), "sites=" + site, "records=1000",
                        "rate=max", "progress.interval=0s")));
        var report = new io.datalakelab.iot.fleet.SensorSimulator(config, null, new io.datalakelab.iot.flume.FlumeOutput(config.flume())).run();
        assertThat(report.acknowledged()).as("batches committed by the lab's Flume collectors").isEqualTo(1000);

        assertEveryReadingOfSiteOnceInKafka(site, 1000);

        // The lake agent lands the same readings under flume.hdfs.root, closed files only (open ones start with '_').
        var conf = new org.apache.hadoop.conf.Configuration();
        try (var fs = org.apache.hadoop.fs.FileSystem.newInstance(java.net.URI.create(lab.config().hdfsUri()), conf)) {
            var dir = new org.apache.hadoop.fs.Path(lab.config().flumeHdfsRoot() + "/" + Topics.SENSOR_READINGS);
            long[] landed = new long[1];
            io.datalakelab.testkit.Await.until("1000 readings of " + site + " in " + dir, Duration.ofSeconds(120), () -> {
                landed[0] = 0;
                if (!fs.exists(dir)) {
                    return false;
                }
                var files = fs.listFiles(dir, true);
                while (files.hasNext()) {
                    var file = files.next().getPath();
                    if (file.getName().startsWith("_")) {
                        continue;
                    }
                    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
                        landed[0] += in.lines().filter(l -> l.contains("\"site\":\"" + site + "\"")).count();
                    }
                }
                return landed[0] >= 1000;
            });
            assertThat(landed[0]).isEqualTo(1000);
        }
        assertThat(lab.status().stream().filter(s -> s.name().equals("flume")).findFirst().orElseThrow().healthy()).isTrue();
    }

    /** Reads iot.sensor-readings until {@code expected} readings of {@code site} came: each keyed by its device, each sequence once, none missing. */
    private static void assertEveryReadingOfSiteOnceInKafka(String site, long expected) {
        Map<String, java.util.Set<Long>> sequences = new java.util.HashMap<>();
        long readings = 0;
        try (var consumer = reader(Topics.SENSOR_READINGS, "read_uncommitted")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (readings < expected && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(300))) {
                    var reading = io.datalakelab.core.schema.SensorReadingCodec.decode(r.value());
                    if (reading.site().equals(site)) {
                        readings++;
                        assertThat(r.key()).isEqualTo(reading.deviceId());
                        assertThat(sequences.computeIfAbsent(reading.deviceId(), d -> new java.util.HashSet<>()).add(reading.sequence()))
                                .as("%s #%d once", reading.deviceId(), reading.sequence()).isTrue();
                    }
                }
            }
        }
        assertThat(readings).isEqualTo(expected);
        sequences.forEach((device, seen) -> assertThat(seen).as(device).hasSize(java.util.Collections.max(seen).intValue()));
    }

    private static org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> reader(String topic, String isolation) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", lab.config().bootstrapServers());
        p.put("group.id", "lab-it-" + topic + "-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", isolation);
        var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p, new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    @Test
    @Order(6)
    void theDashboardShowsEveryStartedServiceUpWhatLandedInHdfsAndTheLastDemoAndStatusJsonSaysTheSame() throws Exception {
        browser.open(dashboard.url());
        for (String service : List.of("hdfs-sink", "ingestion-rdbms", "hdfs-sink-rdbms", "speed-layer", "mqtt-bridge",
                "flume-collector-1", "flume-collector-2", "flume-lake", "flume-logs")) {
            browser.await(service + " up on the page", Duration.ofSeconds(60),
                    () -> "UP".equals(browser.attribute("#services tr[data-service='" + service + "']", "data-state")));
        }
        browser.await("the readings' files in HDFS", Duration.ofSeconds(30), () -> {
            String files = browser.attribute("[data-hdfs-topic='iot.sensor-readings']", "data-files");
            return files != null && Long.parseLong(files) > 0;
        });
        browser.await("the readings' throughput measured", Duration.ofSeconds(30),
                () -> browser.attribute("#topics tr[data-topic='iot.sensor-readings'] [data-records-per-second]", "data-records-per-second") != null);
        assertThat(browser.attribute("[data-demo-passed]", "data-demo-passed")).isEqualTo("true");
        assertThat(browser.text("body")).doesNotContainIgnoringCase("password");
        browser.screenshot(IMAGES.resolve("dashboard.png"), "details[data-key='hdfs iot.sensor-readings']");
        assertThat(browser.consoleErrors()).isEmpty();

        // `lab status --json`: the dashboard's model, for scripts.
        CommandResult status = labCommand("status", "--json");
        assertThat(status.exitCode()).as(status.output()).isZero();
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.output());
        assertThat(json.path("healthy").asBoolean()).isTrue();
        assertThat(json.path("kafka").path("brokers")).hasSize(3).allSatisfy(b -> assertThat(b.path("healthy").asBoolean()).isTrue());
        assertThat(json.path("kafka").path("topics").findValuesAsText("name")).contains(Topics.SENSOR_READINGS);
        assertThat(json.path("consumerGroups").findValuesAsText("group")).contains("lab-hdfs-sink");
        assertThat(json.path("services").findValuesAsText("name")).contains("hdfs-sink", "speed-layer", "flume-lake");
        assertThat(json.path("demo").path("passed").asBoolean()).isTrue();
        assertThat(json.path("components").findValuesAsText("name")).contains("kafka", "hdfs", "database");
    }

    @Test
    @Order(7)
    void everyMetricTheServicesExposeIsInTheMetricsTableAndEveryRowIsExposedByItsService() throws Exception {
        MetricsTable table = MetricsTable.read();
        Map<String, Integer> ports = Map.of("hdfs-sink", lab.config().sinkHealthPort(), "hdfs-sink-rdbms", lab.config().rdbmsSinkHealthPort(),
                "ingestion-rdbms", lab.config().cdcHealthPort(), "speed-layer", lab.config().speedLayerHealthPort(),
                "mqtt-bridge", lab.config().mqttBridgeHealthPort(), "lab dashboard", dashboard.port());
        // The sink measures retention risk every 30 s: wait for its first measurement rather than miss the gauge.
        io.datalakelab.testkit.Await.until("the sink's first retention check", Duration.ofSeconds(60),
                () -> get(lab.config().sinkHealthPort(), "/metrics").contains("sink_retention_risk_ratio{"));
        Map<String, java.util.Set<String>> exposed = new java.util.TreeMap<>();
        for (Map.Entry<String, Integer> service : ports.entrySet()) {
            exposed.computeIfAbsent(service.getKey(), k -> new java.util.TreeSet<>())
                    .addAll(io.datalakelab.lab.observe.PrometheusScrape.parse(get(service.getValue(), "/metrics")).names());
        }
        exposed.get("lab dashboard").addAll(io.datalakelab.lab.observe.PrometheusScrape.parse(scrapes.get("lab dashboard (lagging)")).names());
        exposed.put("sensor-simulator", io.datalakelab.lab.observe.PrometheusScrape.parse(scrapes.get("sensor-simulator")).names());
        stopDashboard(); // the tests that follow do not need it looking at the lab every 2 s

        for (Map.Entry<String, java.util.Set<String>> service : exposed.entrySet()) {
            for (String name : service.getValue()) {
                if (MetricsTable.isOwn(name)) {
                    String family = table.familyOf(name);
                    assertThat(table.of(service.getKey()).stream().map(MetricsTable.Row::name))
                            .as("%s exposes %s: docs/metrics.md must list it for %s", service.getKey(), name, service.getKey()).contains(family);
                }
            }
            for (MetricsTable.Row row : table.of(service.getKey())) {
                if (row.name().equals("lab_hdfs_lost_records")) {
                    continue; // only once records expire before they land, which this lab never lets happen (LakeMetricsTest renders it)
                }
                assertThat(service.getValue().stream().map(table::familyOf))
                        .as("docs/metrics.md lists %s for %s, whose /metrics does not have it", row.name(), service.getKey()).contains(row.name());
            }
        }
    }

    private static void stopDashboard() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        if (dashboard != null) {
            dashboard.close();
            dashboard = null;
        }
    }

    /** Runs {@code lab <args>} in this JVM against the test's lab, as the lab script would, and captures stdout. */
    private static CommandResult labCommand(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", stateDir.toString()));
        settings.forEach(s -> all.addAll(List.of("--set", s)));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = io.datalakelab.core.cli.Commands.commandLine(new LabCommand()).execute(all.toArray(String[]::new));
            return new CommandResult(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    private record CommandResult(int exitCode, String output) {
    }

    @Test
    @Order(8)
    void theCoursesKafkaPythonScriptsRunAgainstTheLab() throws Exception {
        assertThat(Path.of("/usr/bin/python3")).as("python3 from Debian (see README: apt-get install python3-kafka)").exists();
        Path scripts = REPOSITORY.resolve("docs/examples/python");
        Map<String, String> environment = Map.of("KAFKA_BOOTSTRAP", bootstrap(), "PYTHONDONTWRITEBYTECODE", "1");
        // Topic "topic" does not exist yet: the lab's brokers create it, as the course expects.
        ProcessResult produced = run(environment, "/usr/bin/python3", scripts.resolve("producer.py").toString(),
                "--count", "10", "--producers", "4", "--rate", "0");
        assertThat(produced.exitCode()).as(produced.output()).isZero();
        assertThat(produced.output()).contains("acknowledged 40 of 40 tuples on topic topic");

        ProcessResult consumed = run(environment, "/usr/bin/python3", scripts.resolve("consumer.py").toString(),
                "--from-beginning", "--max-messages", "40", "--timeout", "60");
        assertThat(consumed.exitCode()).as(consumed.output()).isZero();
        assertThat(consumed.output()).contains("consumed 40 messages, printed 40");
    }

    @Test
    @Order(9)
    void kafkasConsoleToolsAcceptTheCoursesCommandLines() throws Exception {
        String topic = "teste";
        ProcessResult created = tool("kafka-topics.sh", "--create", "--zookeeper", "localhost:2181", "--bootstrap-server", bootstrap(),
                "--replication-factor", "1", "--partitions", "1", "--topic", topic);
        assertThat(created.output()).as(created.output()).contains("Created topic teste");
        assertThat(tool("kafka-topics.sh", "--list", "--bootstrap-server", bootstrap()).output()).contains(topic);

        ProcessBuilder producer = new ProcessBuilder(REPOSITORY.resolve("bin/kafka-console-producer.sh").toString(),
                "--broker-list", bootstrap(), "--topic", topic).redirectErrorStream(true);
        producer.environment().put("LAB_CP", JavaCommand.classpath());
        Process p = producer.start();
        p.getOutputStream().write("Teste123\n123\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();

        ProcessResult consumed = tool("kafka-console-consumer.sh", "--bootstrap-server", bootstrap(), "--topic", topic,
                "--from-beginning", "--max-messages", "2");
        assertThat(consumed.output()).contains("Teste123").contains("123").contains("Processed a total of 2 messages");
    }

    /**
     * `lab check` for the course's labs (docs/course/): the labs whose solutions the tests above already ran pass
     * (console tools, kafka-python with 4 producers, speed layer, demo, Flume); the others fail first, saying what
     * is missing, then pass once their solution has run here (a replicated topic, FirstProducer, a consumer group
     * reading to the end, a deployed cluster: this lab's own brokers and NameNode).
     */
    @Test
    @Order(10)
    void eachCourseLabsCheckPassesOnceItsSolutionHasRunAndSaysWhatIsMissingBefore() throws Exception {
        for (String done : List.of("first-topic", "many-producers", "filters", "iot-to-hdfs", "mysql-to-hdfs", "flume")) {
            CommandResult check = labCommand("check", done);
            assertThat(check.exitCode()).as(check.output()).isZero();
            assertThat(check.output()).as(check.output()).contains(": PASS").doesNotContain("FAIL");
        }

        CommandResult replication = labCommand("check", "2");
        assertThat(replication.exitCode()).as(replication.output()).isEqualTo(1);
        assertThat(replication.output()).contains("lab 2, replication: FAIL", "ok    3 brokers alive", "FAIL  topic replicado does not exist");
        assertThat(tool("kafka-topics.sh", "--create", "--bootstrap-server", bootstrap(), "--topic", "replicado", "--partitions", "3",
                "--replication-factor", "3").exitCode()).isZero();
        ProcessBuilder producer = new ProcessBuilder(REPOSITORY.resolve("bin/kafka-console-producer.sh").toString(),
                "--bootstrap-server", bootstrap(), "--topic", "replicado").redirectErrorStream(true);
        producer.environment().put("LAB_CP", JavaCommand.classpath());
        Process p = producer.start();
        p.getOutputStream().write("uma mensagem replicada\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        CommandResult replicated = labCommand("check", "replication");
        assertThat(replicated.output()).as(replicated.output()).contains("lab 2, replication: PASS",
                "topic replicado has 3 partition(s), replication factor 3", "replicado holds 1 record(s)",
                "every partition of replicado has all its replicas in sync");

        // The consumer of lab 4 with a group, after lab 5's producers (run above) and before FirstProducer adds text.
        CommandResult noGroup = labCommand("check", "python-clients");
        assertThat(noGroup.output()).as(noGroup.output()).contains("ok    topic holds 40 tuples", "FAIL  no consumer group has read topic");
        ProcessResult consumer = run(Map.of("KAFKA_BOOTSTRAP", bootstrap(), "PYTHONDONTWRITEBYTECODE", "1"), "/usr/bin/python3",
                REPOSITORY.resolve("docs/examples/python/consumer.py").toString(), "--group", "aula", "--from-beginning", "--timeout", "10");
        assertThat(consumer.output()).contains("consumed 40 messages, printed 40");
        CommandResult grouped = labCommand("check", "python-clients");
        assertThat(grouped.output()).as(grouped.output()).contains("lab 4, python-clients: PASS", "consumer group aula read topic to its end");

        CommandResult beforeJava = labCommand("check", "java-producer");
        assertThat(beforeJava.output()).as(beforeJava.output()).contains("FAIL  topic holds 0 of FirstProducer's 1000 messages");
        ProcessResult firstProducer = run(Map.of("KAFKA_BOOTSTRAP", bootstrap()), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", testClasspath(), io.datalakelab.examples.FirstProducer.class.getName());
        assertThat(firstProducer.exitCode()).as(firstProducer.output()).isZero();
        CommandResult java = labCommand("check", "3");
        assertThat(java.output()).as(java.output()).contains("lab 3, java-producer: PASS");

        // Lab 8 changes the shop's tables with the lab's SQL client.
        CommandResult sql = labCommand("sql", "shop", "-e", "INSERT INTO customers (name, city) VALUES ('Lab Oito', 'Recife'); "
                + "SELECT name, city FROM customers WHERE name = 'Lab Oito'");
        assertThat(sql.exitCode()).as(sql.output()).isZero();
        assertThat(sql.output()).contains("| Lab Oito | Recife |");

        CommandResult retention = labCommand("check", "retention");
        assertThat(retention.exitCode()).isEqualTo(1);
        assertThat(retention.output()).contains("FAIL  no lost-range report (_LOST) under /datalake/raw");

        CommandResult deploy = labCommand("check", "deploy", "--bootstrap", bootstrap(), "--namenode", lab.config().hdfsUri());
        assertThat(deploy.output()).as(deploy.output()).contains("lab 11, deploy: PASS", "3 brokers in the cluster metadata", "2 live DataNodes");
        CommandResult unknown = labCommand("check", "12");
        assertThat(unknown.exitCode()).isEqualTo(2);
    }

    /**
     * The short chaos runs of `lab chaos` that the other tests do not cover already (the demo kills the sink, the
     * change-capture module's tests kill the capture): a broker, a DataNode and the NameNode stopped under the sensor
     * flow, the database restarted under change capture. Each must end with nothing lost or duplicated and the flow
     * moving again.
     */
    @Test
    @Order(11)
    void theFlowsSurviveABrokerADataNodeTheNameNodeAndTheDatabaseGoingDown() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8);
        List<ChaosReport> reports = new ArrayList<>();
        try {
            for (ChaosScenario scenario : List.of(ChaosScenario.BROKER_KILL, ChaosScenario.DATANODE_RESTART, ChaosScenario.NAMENODE_OUTAGE,
                    ChaosScenario.DATABASE_RESTART)) {
                // The sink notices HDFS is gone at its next write or commit: the NameNode stays down long enough for one.
                Duration outage = scenario == ChaosScenario.NAMENODE_OUTAGE ? Duration.ofSeconds(8) : Duration.ofSeconds(2);
                ChaosScenario.Size size = scenario.workload() == ChaosScenario.Workload.SENSOR_READINGS
                        ? new ChaosScenario.Size(1, 16_000, 2_000, outage)
                        : new ChaosScenario.Size(1, 500, 100, outage);
                reports.add(new ChaosRun(lab, out).run(scenario, size, Duration.ofMinutes(4)));
            }
        } finally {
            System.err.print(progress.toString(StandardCharsets.UTF_8));
            reports.forEach(report -> System.err.println(report.line()));
            if (reports.size() < 4 || reports.stream().anyMatch(report -> !report.problems().isEmpty())) {
                List<String> log = Files.readAllLines(lab.sink().process().logFile());
                System.err.println("the sink's log, last 80 lines:");
                log.subList(Math.max(0, log.size() - 80), log.size()).forEach(System.err::println);
            }
        }
        assertThat(reports).allSatisfy(report -> {
            assertThat(report.faults()).as(report.line()).isEqualTo(1);
            assertThat(report.lost()).as(report.line()).isZero();
            assertThat(report.duplicated()).as(report.line()).isZero();
            assertThat(report.problems()).as(report.line()).isEmpty();
            assertThat(report.recoveries()).as(report.line()).hasSize(1);
        });
        assertThat(reports.get(0).records()).isEqualTo(16_000);
        assertThat(reports.get(2).observation()).isEqualTo("hdfs-sink reported unhealthy during the outage: yes");
    }

    @Test
    @Order(12)
    void upAfterABrokerCrashStartsItAgainOnItsData() throws Exception {
        ManagedProcess broker2 = lab.kafka().processes().get(1);
        long oldPid = broker2.running().orElseThrow().pid();
        ProcessHandle.of(oldPid).orElseThrow().destroyForcibly();
        assertThat(ManagedProcess.awaitExit(ProcessHandle.of(oldPid).orElseThrow(), Duration.ofSeconds(10))).isTrue();
        assertThat(broker2.isStale()).isTrue();

        lab.up(System.err);

        assertThat(broker2.running()).isPresent().get().extracting(ProcessHandle::pid).isNotEqualTo(oldPid);
        assertThat(lab.status().get(0).healthy()).isTrue();
    }

    @Test
    @Order(13)
    void startingWithAnotherBrokerCountOnTheSameDataFailsNamingTheWayOut() {
        List<String> oneBroker = new ArrayList<>(settings);
        oneBroker.add("kafka.brokers=1");
        Lab other = new Lab(LabConfig.from(LabConfig.SPEC.load(null, Map.of(), oneBroker)), stateDir);
        assertThatThrownBy(() -> other.up(System.err)).hasMessageContaining("3 broker(s)").hasMessageContaining("down --purge");
    }

    @Test
    @Order(14)
    void downStopsEveryProcessAndFreesItsPorts() throws Exception {
        List<ProcessHandle> processes = new ArrayList<>();
        for (var component : List.of(lab.kafka(), lab.hdfs(), lab.sink())) {
            component.processes().forEach(p -> p.running().ifPresent(processes::add));
        }
        assertThat(processes).hasSizeGreaterThanOrEqualTo(6);

        lab.down(false, System.err);

        assertThat(processes).allSatisfy(h -> assertThat(h.isAlive()).isFalse());
        assertThat(lab.config().kafkaClientPorts()).allSatisfy(port -> assertThat(Ports.isListening(port)).isFalse());
        assertThat(Ports.isListening(lab.config().nameNodeRpcPort())).isFalse();
        assertThat(Ports.isListening(lab.config().databasePort())).isFalse();
        assertThat(lab.isUp()).isFalse();
    }

    private static String bootstrap() {
        return "127.0.0.1:" + lab.config().kafkaClientPorts().get(0);
    }

    private static String ports(int count) {
        return IntStream.range(0, count).mapToObj(i -> Integer.toString(FreePorts.next())).collect(Collectors.joining(","));
    }

    private static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null ? surefire : System.getProperty("java.class.path");
    }

    private ProcessResult tool(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(REPOSITORY.resolve("bin/" + script).toString());
        command.addAll(List.of(args));
        return run(Map.of("LAB_CP", JavaCommand.classpath()), command.toArray(String[]::new));
    }

    private static ProcessResult run(Map<String, String> environment, String... command) throws IOException, InterruptedException {
        File output = Files.createTempFile("lab-it-", ".out").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output);
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 120 s:\n" + Files.readString(output.toPath()));
        }
        return new ProcessResult(process.exitValue(), Files.readString(output.toPath()));
    }

    private record ProcessResult(int exitCode, String output) {
    }
}
