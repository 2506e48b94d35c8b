package io.datalakelab.bench;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.core.topic.TopicOffsets;
import io.datalakelab.iot.fleet.Emission;
import io.datalakelab.iot.fleet.FaultSpec;
import io.datalakelab.iot.fleet.Fleet;
import io.datalakelab.iot.fleet.FleetSchedule;
import io.datalakelab.iot.fleet.FleetSpec;
import io.datalakelab.iot.fleet.ReadingEncoding;
import io.datalakelab.iot.fleet.SensorSimulator;
import io.datalakelab.iot.fleet.SimulationReport;
import io.datalakelab.iot.fleet.SimulatorConfig;
import io.datalakelab.iot.speed.SpeedLayer;
import io.datalakelab.iot.speed.SpeedLayerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sensor simulator beside Kafka's own {@code kafka-producer-perf-test} in one run against a running lab, with
 * the same record count, mean record size, acks, idempotence, linger and compression; then the speed layer
 * working off the simulator's topic (exactly-once and at-least-once). Prints a Markdown report; asserts nothing.
 */
@Command(name = "simulator-benchmark", mixinStandardHelpOptions = true,
        description = "Measures the sensor simulator against kafka-producer-perf-test, and the speed layer's records/s.")
public final class SimulatorBenchmark implements Callable<Integer> {

    private static final Pattern PERF_SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, "
                    + "(\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th");

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--records", defaultValue = "1000000", description = "Records of each producer run (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--compression", defaultValue = "none", description = "compression.type of both producers (default: ${DEFAULT-VALUE}; "
            + "the perf test's random payload and JSON readings compress differently, so the fair comparison is none).")
    String compression;

    @Option(names = "--linger-ms", defaultValue = "5", description = "linger.ms of both producers (default: ${DEFAULT-VALUE}, the simulator's).")
    int lingerMs;

    @Option(names = "--batch-size", defaultValue = "16384", description = "batch.size of both producers (default: ${DEFAULT-VALUE}, Kafka's).")
    int batchSize;

    @Option(names = "--perf-test", defaultValue = "bin/kafka-producer-perf-test.sh", description = "Kafka's producer perf test script (default: ${DEFAULT-VALUE}).")
    Path perfTest;

    record Run(String what, long records, double recordsPerSecond, double p50Ms, double p99Ms) {
    }

    public static void main(String[] args) {
        Commands.runAndExit(new SimulatorBenchmark(), args);
    }

    @Override
    public Integer call() throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        int recordSize = meanRecordSize();
        Measurements.progress("mean simulator record: %d bytes (JSON, default fleet)", recordSize);
        double generated = generationRate();
        Measurements.progress("fleet generation + JSON encoding, no Kafka: %,.0f readings/s", generated);
        List<Run> runs = new ArrayList<>();
        runs.add(producerPerfTest("bench.perf-" + stamp, recordSize));
        Measurements.progress("%s", runs.get(runs.size() - 1));
        String simulatorTopic = "bench.sim-" + stamp;
        runs.add(simulator(simulatorTopic, 1, compression));
        Measurements.progress("%s", runs.get(runs.size() - 1));
        runs.add(simulator("bench.sim4-" + stamp, 4, compression));
        Measurements.progress("%s", runs.get(runs.size() - 1));
        runs.add(simulator("bench.simlz4-" + stamp, 1, "lz4"));
        Measurements.progress("%s", runs.get(runs.size() - 1));
        List<Run> speed = new ArrayList<>();
        speed.add(speedLayer(simulatorTopic, "bench-speed-eos-" + stamp, SpeedLayerConfig.Guarantee.EXACTLY_ONCE_V2, 0));
        speed.add(speedLayer(simulatorTopic, "bench-speed-eos1s-" + stamp, SpeedLayerConfig.Guarantee.EXACTLY_ONCE_V2, 1000));
        speed.add(speedLayer(simulatorTopic, "bench-speed-alo-" + stamp, SpeedLayerConfig.Guarantee.AT_LEAST_ONCE, 0));

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "## Sensor simulator and speed layer: %,d records, %d B mean record, acks=all, idempotent, linger.ms %d, batch.size %d, compression %s%n%n",
                records, recordSize, lingerMs, batchSize, compression));
        out.append("| run | records | records/s | p50 ms | p99 ms | vs perf test |\n|---|---|---|---|---|---|\n");
        out.append(String.format(Locale.ROOT, "| fleet generation + JSON encoding, one thread, no Kafka | 1,000,000 | %,.0f | | | |%n", generated));
        double perf = runs.get(0).recordsPerSecond();
        for (Run r : runs) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %.0f | %.0f | %.2f× |%n", r.what(), r.records(), r.recordsPerSecond(),
                    r.p50Ms(), r.p99Ms(), r.recordsPerSecond() / perf));
        }
        for (Run r : speed) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | | | |%n", r.what(), r.records(), r.recordsPerSecond()));
        }
        System.out.print(out);
        return Commands.OK;
    }

    /** Mean JSON size of the default fleet's readings (faults on), so the perf test sends records of that size. */
    private static int meanRecordSize() {
        long[] bytesAndCount = generate(20_000);
        return (int) Math.round((double) bytesAndCount[0] / bytesAndCount[1]);
    }

    /** Readings/s the default fleet is generated and JSON-encoded at on one thread, after two warm-up rounds. */
    private static double generationRate() {
        generate(1_000_000);
        generate(1_000_000);
        long started = System.nanoTime();
        long[] bytesAndCount = generate(1_000_000);
        return bytesAndCount[1] / ((System.nanoTime() - started) / 1e9);
    }

    private static long[] generate(long readings) {
        Fleet fleet = new Fleet(FleetSpec.builtIn(), 0);
        FleetSchedule schedule = new FleetSchedule(fleet.devices(), System.currentTimeMillis());
        List<Emission> out = new ArrayList<>();
        long bytes = 0;
        long count = 0;
        FaultSpec faults = fleet.spec().faults();
        while (count < readings) {
            FleetSchedule.Slot slot = schedule.next();
            slot.device().tick(slot.dueMs(), faults, out);
            for (Emission e : out) {
                if (e instanceof Emission.Reading r) {
                    bytes += ReadingEncoding.JSON.encode(r.reading()).length;
                    count++;
                }
            }
            out.clear();
        }
        return new long[] {bytes, count};
    }

    private Run producerPerfTest(String topic, int recordSize) throws Exception {
        createTopic(topic);
        Measurements.progress("kafka-producer-perf-test: %,d records of %d B to %s ...", records, recordSize, topic);
        Process process = new ProcessBuilder(perfTest.toString(), "--topic", topic, "--num-records", Integer.toString(records),
                "--record-size", Integer.toString(recordSize), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + bootstrapServers, "acks=all", "enable.idempotence=true", "linger.ms=" + lingerMs,
                "compression.type=" + compression, "batch.size=" + batchSize).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(lines::add);
        }
        if (process.waitFor() != 0) {
            throw new JobFailedException("kafka-producer-perf-test failed: " + String.join("\n", lines));
        }
        Matcher m = PERF_SUMMARY.matcher(lines.get(lines.size() - 1));
        if (!m.find()) {
            throw new JobFailedException("cannot read kafka-producer-perf-test's summary: " + lines.get(lines.size() - 1));
        }
        return new Run("kafka-producer-perf-test", Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(6)), Double.parseDouble(m.group(8)));
    }

    private Run simulator(String topic, int producers, String compressionType) throws Exception {
        Measurements.progress("sensor simulator: %,d readings, %d producer(s), compression %s to %s ...", records, producers, compressionType, topic);
        SimulationReport report = new SensorSimulator(SimulatorConfig.from(SimulatorConfig.SPEC.load(null, Map.of(), List.of(
                "bootstrap.servers=" + bootstrapServers, "topic=" + topic, "records=" + records, "rate=max", "producers=" + producers,
                "progress.interval=0s", "kafka.compression.type=" + compressionType, "kafka.batch.size=" + batchSize, "kafka.linger.ms=" + lingerMs))), null).run();
        if (report.failed() > 0) {
            throw new JobFailedException(report.failed() + " readings failed: " + report.firstError());
        }
        return new Run(String.format("sensor simulator, %d producer%s%s", producers, producers == 1 ? "" : "s",
                compressionType.equals(compression) ? "" : ", " + compressionType), report.acknowledged(), report.recordsPerSecond(),
                report.latencyMs().p50(), report.latencyMs().p99());
    }

    /**
     * The speed layer started on a topic that already holds every record: records over time to commit the end offsets.
     * @param commitIntervalMs Kafka Streams' commit.interval.ms, 0 for its default (100 ms exactly once, 30 s at least once)
     */
    private Run speedLayer(String topic, String applicationId, SpeedLayerConfig.Guarantee guarantee, int commitIntervalMs) throws Exception {
        Measurements.progress("speed layer (%s, commit interval %s) working off %s ...", guarantee,
                commitIntervalMs == 0 ? "default" : commitIntervalMs + " ms", topic);
        Path stateDir = Files.createTempDirectory("bench-speed-");
        List<String> settings = new ArrayList<>(List.of(
                "bootstrap.servers=" + bootstrapServers, "application.id=" + applicationId, "input.topic=" + topic,
                "alerts.topic=" + topic + ".alerts", "aggregates.topic.prefix=" + topic + ".aggregates.",
                "processing.guarantee=" + guarantee.name().toLowerCase(Locale.ROOT), "state.dir=" + stateDir, "health.port=-1"));
        if (commitIntervalMs > 0) {
            settings.add("kafka.commit.interval.ms=" + commitIntervalMs);
        }
        SpeedLayerConfig config = SpeedLayerConfig.from(SpeedLayerConfig.SPEC.load(null, Map.of(), settings));
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(adminProps); SpeedLayer speedLayer = new SpeedLayer(config).start()) {
            Map<Integer, Long> end = TopicOffsets.latest(admin, topic);
            speedLayer.awaitRunning(Instant.now().plusSeconds(120));
            long started = System.nanoTime();
            Measurements.awaitTrue("the speed layer to commit the end of " + topic, Duration.ofMinutes(20), Duration.ofMillis(200), () -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get();
                return end.entrySet().stream().allMatch(e -> {
                    OffsetAndMetadata c = committed.get(new TopicPartition(topic, e.getKey()));
                    return c != null && c.offset() >= e.getValue();
                });
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            return new Run("speed layer, " + guarantee.name().toLowerCase(Locale.ROOT)
                    + (commitIntervalMs == 0 ? "" : ", commit.interval.ms=" + commitIntervalMs), total, total / seconds, Double.NaN, Double.NaN);
        }
    }

    private void createTopic(String topic) throws Exception {
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(adminProps)) {
            int brokers = admin.describeCluster().nodes().get().size();
            new io.datalakelab.core.topic.TopicProvisioner(admin).ensure(
                    new io.datalakelab.core.topic.TopicSpec(topic, 6, (short) 3, 2, Duration.ofDays(1)).forBrokers(brokers));
        }
    }
}
