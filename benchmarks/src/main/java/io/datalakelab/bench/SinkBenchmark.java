package io.datalakelab.bench;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.core.health.HealthServer;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.topic.TopicOffsets;
import io.datalakelab.core.topic.TopicProvisioner;
import io.datalakelab.core.topic.TopicSpec;
import io.datalakelab.sink.HdfsSink;
import io.datalakelab.sink.SinkConfig;
import io.datalakelab.sink.commit.OffsetRecovery;
import io.datalakelab.sink.format.RecordFiles;
import io.datalakelab.sink.layout.LakeLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sink's throughput and freshness, side by side with the two ceilings it lives under, in one run against
 * a running lab: Kafka's own {@code kafka-consumer-perf-test} reading the same topic, and one HDFS stream
 * writing the same bytes. Then the sink lands the topic as JSON lines and as Parquet (each with its own
 * group and directory), and finally a slow steady flow measures produced → visible in HDFS against
 * {@code rotate.interval}. Prints a Markdown report; asserts nothing.
 */
@Command(name = "sink-benchmark", mixinStandardHelpOptions = true,
        description = "Measures the HDFS sink against kafka-consumer-perf-test and an HDFS write ceiling, and its freshness.")
public final class SinkBenchmark implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--hdfs-uri", defaultValue = "hdfs://127.0.0.1:8020", description = "NameNode (default: ${DEFAULT-VALUE}).")
    String hdfsUri;

    @Option(names = "--replication", defaultValue = "2", description = "HDFS replication of every file written (default: ${DEFAULT-VALUE}).")
    int replication;

    @Option(names = "--records", defaultValue = "1000000", description = "Readings in the throughput topic (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the benchmark topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--rotate-interval", defaultValue = "5s", description = "rotate.interval of the freshness run (default: ${DEFAULT-VALUE}).")
    String rotateInterval;

    @Option(names = "--freshness-seconds", defaultValue = "60", description = "How long the freshness flow runs (default: ${DEFAULT-VALUE}).")
    int freshnessSeconds;

    @Option(names = "--freshness-rate", defaultValue = "50", description = "Readings per second of the freshness flow (default: ${DEFAULT-VALUE}).")
    int freshnessRate;

    @Option(names = "--sink-set", paramLabel = "KEY=VALUE", description = "Extra sink config for the throughput passes (repeatable), e.g. kafka.consumer.max.poll.records=20000.")
    List<String> sinkSettings = new ArrayList<>();

    @Option(names = "--perf-test", defaultValue = "bin/kafka-consumer-perf-test.sh", description = "Kafka's consumer perf test script (default: ${DEFAULT-VALUE}).")
    Path perfTest;

    public static void main(String[] args) {
        Commands.runAndExit(new SinkBenchmark(), args);
    }

    /** One measured pass over {@code records} records of {@code bytes} value bytes. */
    record Pass(String what, long records, long bytes, double seconds) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String topic = "bench.sink-" + stamp;
        String root = "/bench/" + stamp;
        ensureTopic(topic);
        Measurements.progress("producing %,d readings into %s ...", records, topic);
        long started = System.nanoTime();
        long bytes = produce(topic, records, 0);
        Pass produced = new Pass("producer (idempotent, acks=all)", records, bytes, seconds(started));
        Measurements.progress("%s", describe(produced));

        Pass perf = consumerPerfTest(topic, bytes);
        Measurements.progress("%s", describe(perf));
        Pass ceiling = hdfsWriteCeiling(root + "/ceiling", bytes);
        Measurements.progress("%s", describe(ceiling));
        List<Pass> json = landWithSink(topic, root + "/jsonl", "jsonl", bytes);
        json.forEach(pass -> Measurements.progress("%s", describe(pass)));
        List<Pass> parquet = landWithSink(topic, root + "/parquet", "parquet", bytes);
        parquet.forEach(pass -> Measurements.progress("%s", describe(pass)));
        List<Long> freshness = measureFreshness("bench.fresh-" + stamp, root + "/fresh");

        double lowerCeiling = Math.min(perf.recordsPerSecond(), ceiling.recordsPerSecond());
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "Sink benchmark %s: %,d readings of %.0f B average, %d partitions, HDFS replication %d%n%n",
                stamp, records, (double) bytes / records, partitions, replication));
        report.append("| pass | records/s | MB/s | seconds | × lower ceiling |\n|---|---:|---:|---:|---:|\n");
        List<Pass> passes = new ArrayList<>(List.of(produced, perf, ceiling));
        passes.addAll(json);
        passes.addAll(parquet);
        for (Pass pass : passes) {
            report.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %.1f | %.2f |%n", pass.what(), pass.recordsPerSecond(),
                    pass.megabytesPerSecond(), pass.seconds(), pass.recordsPerSecond() / lowerCeiling));
        }
        report.append(String.format(Locale.ROOT, "%nFreshness (produced → visible in HDFS), rotate.interval=%s, %d readings/s for %d s: "
                        + "p50 %.2f s, p95 %.2f s, max %.2f s over %,d readings (target: ≤ interval + 2 s)%n",
                rotateInterval, freshnessRate, freshnessSeconds, Measurements.percentile(freshness, 0.50) / 1e3,
                Measurements.percentile(freshness, 0.95) / 1e3, Measurements.percentile(freshness, 1.0) / 1e3, freshness.size()));
        System.out.print(report);
        return Commands.OK;
    }

    void ensureTopic(String topic) throws Exception {
        try (Admin admin = admin()) {
            int brokers = admin.describeCluster().nodes().get().size();
            new TopicProvisioner(admin).ensure(new TopicSpec(topic, partitions, (short) 3, 2, TopicSpec.DEFAULT_RETENTION).forBrokers(brokers));
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Sends readings of 100 devices and waits for every acknowledgement; returns the value bytes sent. */
    long produce(String topic, int count, long pauseNanos) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long bytes = 0;
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            long[] sequences = new long[100];
            for (int i = 0; i < count; i++) {
                int device = i % sequences.length;
                SensorReading reading = new SensorReading(String.format("bench-sensor-%03d", device), "thermometer", "bench",
                        System.currentTimeMillis(), ++sequences[device], Map.of("temperature", 20.0 + (i % 100) / 10.0, "humidity", 45.0));
                byte[] value = SensorReadingCodec.toJson(reading);
                bytes += value.length;
                acks.add(producer.send(new ProducerRecord<>(topic, reading.deviceId(), value)));
                if (acks.size() >= 50_000) {
                    waitFor(acks);
                }
                if (pauseNanos > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
                }
            }
            producer.flush();
            waitFor(acks);
        }
        return bytes;
    }

    private static void waitFor(List<Future<RecordMetadata>> acks) throws Exception {
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
        acks.clear();
    }

    /** Kafka's own consumer benchmark on the same topic; its fetch rate leaves out the group join. */
    private Pass consumerPerfTest(String topic, long bytes) throws Exception {
        Measurements.progress("kafka-consumer-perf-test on %s ...", topic);
        Process process = new ProcessBuilder(perfTest.toString(), "--bootstrap-server", bootstrapServers, "--topic", topic,
                "--messages", Integer.toString(records), "--group", "bench-perf-" + topic, "--timeout", "60000")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(lines::add);
        }
        if (process.waitFor() != 0 || lines.size() < 2) {
            throw new JobFailedException("kafka-consumer-perf-test failed: " + String.join("\n", lines));
        }
        // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
        // fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
        String[] columns = lines.get(lines.size() - 1).split(",\\s*");
        long consumed = Long.parseLong(columns[4].trim());
        double fetchSeconds = Long.parseLong(columns[7].trim()) / 1e3;
        return new Pass("kafka-consumer-perf-test (fetch)", consumed, bytes * consumed / records, fetchSeconds);
    }

    /** One HDFS stream writing as many bytes as the topic holds, in 1 MiB writes, made durable at the end. */
    private Pass hdfsWriteCeiling(String dir, long bytes) throws IOException {
        Measurements.progress("HDFS write ceiling: %,d bytes in one stream ...", bytes);
        try (FileSystem fs = fileSystem()) {
            byte[] chunk = new byte[1024 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            long started = System.nanoTime();
            try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(dir, "ceiling.bin"), true)) {
                for (long left = bytes; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
                out.hsync();
            }
            return new Pass("HDFS write, one stream", records, bytes, seconds(started));
        }
    }

    /**
     * The sink, in this JVM, landing the whole topic with a group of its own; timed from assignment to the last
     * file. Files rotate at a fifth of a partition's records (or after 2 s), so the tail waits at most 2 s;
     * the steady rate, between 10% and 90% of the records committed, leaves out that tail and the first file.
     */
    List<Pass> landWithSink(String topic, String root, String format, long bytes) throws Exception {
        Measurements.progress("sink landing %s as %s ...", topic, format);
        List<String> settings = new ArrayList<>(List.of(
                "bootstrap.servers=" + bootstrapServers, "topics=" + topic, "group.id=bench-sink-" + format + "-" + topic,
                "hdfs.uri=" + hdfsUri, "hdfs.root=" + root, "hdfs.replication=" + replication, "health.port=-1",
                "format=" + format, "flush.records=" + Math.max(1, records / partitions / 5), "rotate.interval=2s"));
        settings.addAll(sinkSettings);
        SinkConfig config = SinkConfig.from(SinkConfig.SPEC.load(null, Map.of(), settings));
        Map<Integer, Long> end;
        try (Admin admin = admin()) {
            end = TopicOffsets.latest(admin, topic);
        }
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = HealthServer.newRegistry();
        try (HdfsSink sink = new HdfsSink(config, registry)) {
            Thread worker = new Thread(sink, "bench-sink");
            worker.start();
            Measurements.awaitTrue("the sink's assignment", Duration.ofSeconds(60), Duration.ofMillis(50),
                    () -> sink.ownedPartitions().size() == partitions);
            long started = System.nanoTime();
            // The sink's own count of records in committed files: watching it costs nothing, unlike listing HDFS.
            long[] tenth = {0, 0}; // when 10% and 90% of the records were in committed files
            Measurements.awaitTrue("every record in a committed file", Duration.ofMinutes(30), Duration.ofMillis(50), () -> {
                double committed = registry.find("sink.records.committed").counters().stream().mapToDouble(c -> c.count()).sum();
                if (tenth[0] == 0 && committed >= records * 0.1) {
                    tenth[0] = System.nanoTime();
                }
                if (tenth[1] == 0 && committed >= records * 0.9) {
                    tenth[1] = System.nanoTime();
                }
                return committed >= records;
            });
            double seconds = seconds(started);
            double steadySeconds = (tenth[1] - tenth[0]) / 1e9;

            OffsetRecovery recovery = new OffsetRecovery(sink.fileSystem(), new LakeLayout(new org.apache.hadoop.fs.Path(root)));
            if (!recovery.hasLandedUpTo(topic, end)) {
                throw new JobFailedException("the sink counted every record committed but the file names do not reach " + end);
            }
            sink.stop();
            worker.join(60_000);
            return List.of(new Pass("hdfs-sink, " + format + ", whole topic", records, bytes, seconds),
                    new Pass("hdfs-sink, " + format + ", steady (10% → 90% committed)", Math.round(records * 0.8), Math.round(bytes * 0.8),
                            steadySeconds));
        }
    }

    /**
     * A steady slow flow while the sink runs with the configured rotation: each reading carries its send time;
     * a watcher lists the committed files every 100 ms and notes when each reading became visible.
     */
    private List<Long> measureFreshness(String topic, String root) throws Exception {
        ensureTopic(topic);
        Measurements.progress("freshness: %d readings/s for %d s, rotate.interval=%s ...", freshnessRate, freshnessSeconds, rotateInterval);
        SinkConfig config = SinkConfig.from(SinkConfig.SPEC.load(null, Map.of(), List.of(
                "bootstrap.servers=" + bootstrapServers, "topics=" + topic, "group.id=bench-fresh-" + topic, "hdfs.uri=" + hdfsUri,
                "hdfs.root=" + root, "hdfs.replication=" + replication, "health.port=-1", "rotate.interval=" + rotateInterval)));
        List<Long> delays = Collections.synchronizedList(new ArrayList<>());
        int total = freshnessRate * freshnessSeconds;
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = HealthServer.newRegistry();
        try (HdfsSink sink = new HdfsSink(config, registry); FileSystem fs = fileSystem()) {
            Thread worker = new Thread(sink, "bench-sink");
            worker.start();
            Measurements.awaitTrue("the sink's assignment", Duration.ofSeconds(60), Duration.ofMillis(50),
                    () -> sink.ownedPartitions().size() == partitions);
            Set<String> seen = new HashSet<>();
            OffsetRecovery recovery = new OffsetRecovery(fs, new LakeLayout(new org.apache.hadoop.fs.Path(root)));
            Thread watcher = new Thread(() -> {
                try {
                    while (delays.size() < total && !Thread.currentThread().isInterrupted()) {
                        long now = System.currentTimeMillis();
                        for (FileStatus file : recovery.committedFileStatuses(topic)) {
                            if (seen.add(file.getPath().toString())) {
                                RecordFiles.forEachRecord(fs, file.getPath(), node -> delays.add(now - node.get("eventTime").asLong()));
                            }
                        }
                        Thread.sleep(100); // the watcher's listing period, part of the measured delay (≤ 0.1 s)
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "bench-watcher");
            watcher.start();
            produce(topic, total, 1_000_000_000L / freshnessRate);
            Measurements.awaitTrue("every fresh reading visible", Duration.ofMinutes(2), Duration.ofMillis(50), () -> delays.size() >= total);
            watcher.interrupt();
            sink.stop();
            worker.join(60_000);
        }
        io.micrometer.core.instrument.Timer commits = registry.find("sink.commit.duration").timer();
        if (commits != null) {
            Measurements.progress("freshness run: %d batch commits, mean %.0f ms, max %.0f ms", commits.count(),
                    commits.mean(java.util.concurrent.TimeUnit.MILLISECONDS), commits.max(java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        return List.copyOf(delays);
    }

    FileSystem fileSystem() throws IOException {
        Configuration conf = new Configuration();
        conf.set("fs.defaultFS", hdfsUri);
        conf.setInt("dfs.replication", replication);
        return FileSystem.newInstance(URI.create(hdfsUri), conf);
    }


    static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    static String describe(Pass pass) {
        return String.format(Locale.ROOT, "%s: %,.0f records/s, %.1f MB/s (%.1f s)", pass.what(), pass.recordsPerSecond(),
                pass.megabytesPerSecond(), pass.seconds());
    }

}
