package io.datalakelab.bench;

import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.rdbms.BinlogPosition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectOutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Debezium's embedded engine with a Kafka sink ({@code benchmarks/debezium}'s {@code DebeziumPeer}) in a JVM of its own,
 * on the classpath that module builds (its Kafka Connect jars are Kafka 4.1.1; this JVM holds 4.3.1).
 *
 * <p>It starts at a given binlog position the way Debezium resumes: its file offset store is written beforehand with
 * that file and position, and MariaDB's GTID position at the same point, under its engine name and server (as Debezium
 * stores its own MariaDB offsets; from a file and position alone, Debezium 3.5's binlog client 0.40.6 fails with a
 * NullPointerException in {@code requestBinaryLogStreamMaria}, fixed in 0.40.7), and {@code snapshot.mode=recovery} rebuilds its in-memory
 * schema history from the captured table's current definition (no DDL in the range) before it streams from the stored
 * offset. The peer reports, per batch, how many change events of the counted topic Kafka has acknowledged.
 */
final class DebeziumPeerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong startedAt = new AtomicLong();
    private final AtomicLong firstAckedAt = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Thread reader;

    private DebeziumPeerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.reader = new Thread(this::readProtocol, "debezium-peer-protocol");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the peer reading from {@code start}. {@code source} and {@code producer} are the engine's and the Kafka
     * sink's settings (Debezium Server's {@code debezium.source.*} and {@code debezium.sink.kafka.producer.*}).
     */
    static DebeziumPeerProcess start(Path home, String heap, String engineName, String topicPrefix, BinlogPosition start, String startGtids,
                                     Map<String, String> source, Map<String, String> producer, String countTopic) throws IOException {
        Path classpathFile = home.resolve("debezium.classpath");
        Path jar = home.resolve("benchmarks-debezium-0.1.0-SNAPSHOT.jar");
        if (!Files.isRegularFile(classpathFile) || !Files.isRegularFile(jar)) {
            throw new JobFailedException("the Debezium peer is not built (" + classpathFile + ", " + jar + "): "
                    + "./mvnw -B -DskipTests -pl benchmarks -am package");
        }
        Path work = Files.createTempDirectory("bench-debezium-");
        Path offsets = work.resolve("offsets.dat");
        writeOffset(offsets, engineName, topicPrefix, start, startGtids);
        Properties p = new Properties();
        source.forEach((k, v) -> p.setProperty("debezium.source." + k, v));
        p.setProperty("debezium.source.name", engineName);
        p.setProperty("debezium.source.topic.prefix", topicPrefix);
        p.setProperty("debezium.source.offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("debezium.source.offset.storage.file.filename", offsets.toString());
        producer.forEach((k, v) -> p.setProperty("debezium.sink.kafka.producer." + k, v));
        p.setProperty("bench.count.topic", countTopic);
        Path config = work.resolve("application.properties");
        try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(out, "the Debezium peer of the change-capture benchmark");
        }
        Path log = work.resolve("debezium.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                "-cp", jar + ":" + Files.readString(classpathFile).trim(), "io.datalakelab.bench.debezium.DebeziumPeer", config.toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
        return new DebeziumPeerProcess(process, log);
    }

    /**
     * Kafka Connect's {@code FileOffsetBackingStore} format: a serialized {@code HashMap<byte[], byte[]>} of the offset's
     * key and value as the engine's schemaless JSON converter writes them, the key being {@code [engine name, partition]}.
     */
    private static void writeOffset(Path file, String engineName, String topicPrefix, BinlogPosition start, String gtids) throws IOException {
        HashMap<byte[], byte[]> offsets = new HashMap<>();
        byte[] key = ("[\"" + engineName + "\",{\"server\":\"" + topicPrefix + "\"}]").getBytes(StandardCharsets.UTF_8);
        byte[] value = ("{\"file\":\"" + start.file() + "\",\"pos\":" + start.position() + ",\"gtids\":\"" + gtids + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        offsets.put(key, value);
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(file))) {
            out.writeObject(offsets);
        }
    }

    private void readProtocol() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("started")) {
                    startedAt.set(System.nanoTime());
                } else if (line.startsWith("acked ")) {
                    acked.set(Long.parseLong(line.split(" ")[1]));
                    if (acked.get() > 0 && firstAckedAt.get() == 0) {
                        firstAckedAt.set(System.nanoTime());
                    }
                } else if (line.startsWith("failed ")) {
                    failure.set(line.substring("failed ".length()));
                }
            }
        } catch (IOException e) {
            failure.compareAndSet(null, "lost the peer's output: " + e.getMessage());
        }
    }

    /** System.nanoTime() when the peer was about to run its engine, or 0 before. */
    long startedAt() {
        return startedAt.get();
    }

    /** System.nanoTime() when the first change event of the counted topic was reported acknowledged, or 0 before. */
    long firstAckedAt() {
        return firstAckedAt.get();
    }

    /** Change events of the counted topic that Kafka acknowledged, as last reported. */
    long acked() {
        return acked.get();
    }

    /** Fails, with the end of the peer's log, if the peer or its engine stopped. */
    void checkAlive() {
        if (failure.get() != null || !process.isAlive()) {
            throw new JobFailedException("the Debezium peer stopped" + (failure.get() == null ? "" : ": " + failure.get()) + "; its log "
                    + log + " ends with:\n" + logTail());
        }
    }

    void awaitAcked(long count, Duration timeout) throws Exception {
        Measurements.awaitTrue("Debezium to have " + count + " change events acknowledged", timeout, Duration.ofMillis(5), () -> {
            checkAlive();
            return acked() >= count;
        });
    }

    Path log() {
        return log;
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    /** Closes the peer's standard input, which stops its engine, and waits for it to exit. */
    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5_000);
    }
}
