package io.datalakelab.bench;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.testkit.FlumeAgent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Kafka → HDFS two ways in one run against a running lab: flume-agent's lake agent (kafka-to-hdfs.conf: Kafka source,
 * the validating interceptor, a file channel, two HDFS sinks writing JSON lines) and hdfs-sink (JSON lines, exactly
 * once), each landing the same topic with a consumer group of its own. Prints a Markdown table; asserts nothing.
 */
@Command(name = "flume-lake-benchmark", mixinStandardHelpOptions = true,
        description = "Measures the Flume Kafka→HDFS agent beside hdfs-sink on the same topic, in the same run.")
public final class FlumeLakeBenchmark implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--hdfs-uri", defaultValue = "hdfs://127.0.0.1:8020", description = "NameNode (default: ${DEFAULT-VALUE}).")
    String hdfsUri;

    @Option(names = "--records", defaultValue = "500000", description = "Readings in the topic (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--flume-heap", defaultValue = "512m", description = "Heap of the Flume agent JVM (default: ${DEFAULT-VALUE}).")
    String flumeHeap;

    public static void main(String[] args) {
        Commands.runAndExit(new FlumeLakeBenchmark(), args);
    }

    @Override
    public Integer call() throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String topic = "bench.flume-" + stamp;
        String root = "/bench/" + stamp;
        SinkBenchmark sink = new SinkBenchmark();
        sink.bootstrapServers = bootstrapServers;
        sink.hdfsUri = hdfsUri;
        sink.records = records;
        sink.partitions = partitions;
        sink.replication = 2;
        sink.ensureTopic(topic);
        Measurements.progress("producing %,d readings into %s ...", records, topic);
        long bytes = sink.produce(topic, records, 0);

        List<SinkBenchmark.Pass> passes = new ArrayList<>(landWithFlume(topic, root + "/flume", bytes, "file"));
        passes.addAll(landWithFlume(topic, root + "/flume-memory", bytes, "memory"));
        passes.addAll(sink.landWithSink(topic, root + "/jsonl", "jsonl", bytes));
        passes.forEach(pass -> Measurements.progress("%s", SinkBenchmark.describe(pass)));

        double sinkRate = passes.get(passes.size() - 2).recordsPerSecond();
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "Kafka → HDFS %s: %,d readings of %.0f B average, %d partitions, HDFS replication 2%n%n", stamp, records,
                (double) bytes / records, partitions));
        report.append("| pass | records/s | MB/s | seconds | × hdfs-sink (whole topic) |\n|---|---:|---:|---:|---:|\n");
        for (SinkBenchmark.Pass pass : passes) {
            report.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %.1f | %.2f |%n", pass.what(), pass.recordsPerSecond(),
                    pass.megabytesPerSecond(), pass.seconds(), pass.recordsPerSecond() / sinkRate));
        }
        System.out.print(report);
        return Commands.OK;
    }

    /**
     * The lake agent in its own JVM, timed from its source's start: until its HDFS sinks have written (and hflushed)
     * every record, and until every record is in a closed file (what readers see; files close after 2 s idle).
     * {@code channel} is {@code file}, the shipped configuration, or {@code memory}: the same agent with its landing
     * channel in memory, which shows what the file channel's durability costs (a memory channel loses what it holds
     * when the agent dies, after the Kafka source has committed those offsets).
     */
    private List<SinkBenchmark.Pass> landWithFlume(String topic, String root, long bytes, String channel) throws Exception {
        Measurements.progress("Flume lake agent (%s channel) landing %s ...", channel, topic);
        java.nio.file.Path config = FlumeAgent.home().resolve("conf").resolve("kafka-to-hdfs.conf");
        if (channel.equals("memory")) {
            java.nio.file.Path variant = java.nio.file.Files.createTempFile("kafka-to-hdfs-memory-", ".conf");
            variant.toFile().deleteOnExit();
            java.nio.file.Files.writeString(variant, java.nio.file.Files.readString(config)
                    .replace("lake.channels.landing.type = file", "lake.channels.landing.type = memory"));
            config = variant;
        }
        try (FlumeAgent lake = FlumeAgent.of("lake", config)
                .withEnv("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers)
                .withEnv("READINGS_TOPIC", topic)
                .withEnv("FLUME_GROUP_ID", "bench-flume-" + channel + "-" + topic)
                .withEnv("HDFS_URI", hdfsUri)
                .withEnv("FLUME_HDFS_ROOT", root)
                .withEnv("FLUME_ROLL_SECONDS", "2")
                .withEnv("HADOOP_USER_NAME", System.getProperty("user.name"))
                .withHeap(flumeHeap)
                .start()) {
            long started = System.nanoTime();
            long[] tenth = {0, 0};
            Measurements.awaitTrue("the lake agent's HDFS sinks to write every record", Duration.ofMinutes(30), Duration.ofMillis(100), () -> {
                long written = lake.counter("SINK.hdfs-1", "EventDrainSuccessCount") + lake.counter("SINK.hdfs-2", "EventDrainSuccessCount");
                if (tenth[0] == 0 && written >= records * 0.1) {
                    tenth[0] = System.nanoTime();
                }
                if (tenth[1] == 0 && written >= records * 0.9) {
                    tenth[1] = System.nanoTime();
                }
                return written >= records;
            });
            double writtenSeconds = SinkBenchmark.seconds(started);
            double steadySeconds = (tenth[1] - tenth[0]) / 1e9;
            Path dir = new Path(root + "/" + topic);
            try (FileSystem fs = FileSystem.newInstance(java.net.URI.create(hdfsUri), new org.apache.hadoop.conf.Configuration())) {
                Measurements.awaitTrue("every record in a closed file", Duration.ofMinutes(5), Duration.ofMillis(200),
                        () -> !hasOpenFiles(fs, dir));
                double visibleSeconds = SinkBenchmark.seconds(started);
                long landed = countLines(fs, dir);
                if (landed < records) {
                    throw new JobFailedException("the lake agent landed " + landed + " of " + records + " records in " + dir);
                }
                Measurements.progress("Flume landed %,d lines for %,d records (%,d duplicates)", landed, records, landed - records);
                return List.of(
                        new SinkBenchmark.Pass("Flume lake agent, " + channel + " channel, every record written", records, bytes, writtenSeconds),
                        new SinkBenchmark.Pass("Flume lake agent, " + channel + " channel, steady (10% → 90% written)", Math.round(records * 0.8),
                                Math.round(bytes * 0.8), steadySeconds),
                        new SinkBenchmark.Pass("Flume lake agent, " + channel + " channel, every file closed (visible)", records, bytes,
                                visibleSeconds));
            }
        }
    }

    private static boolean hasOpenFiles(FileSystem fs, Path dir) throws java.io.IOException {
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
        while (files.hasNext()) {
            if (files.next().getPath().getName().startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private static long countLines(FileSystem fs, Path dir) throws java.io.IOException {
        long lines = 0;
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
        while (files.hasNext()) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(files.next().getPath()), StandardCharsets.UTF_8))) {
                lines += in.lines().filter(l -> !l.isEmpty()).count();
            }
        }
        return lines;
    }
}
