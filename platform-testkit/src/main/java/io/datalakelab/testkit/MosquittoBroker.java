package io.datalakelab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real MQTT broker: Debian's {@code mosquitto} as a child process, listening on a free port of 127.0.0.1 only, with
 * a generated configuration (anonymous clients allowed, no persistence, log to a file in its own temporary directory).
 * {@link #start()} returns once the port accepts connections. A missing binary is a failure naming the package to
 * install, never a skipped test.
 *
 * <pre>{@code
 * try (MosquittoBroker mqtt = new MosquittoBroker().withSetting("max_queued_messages", "100000").start()) {
 *     String uri = mqtt.serverUri(); // tcp://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class MosquittoBroker implements AutoCloseable {

    public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/sbin/mosquitto");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private Path executable = DEFAULT_EXECUTABLE;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Path dir;
    private Process process;
    private int port;

    public MosquittoBroker withExecutable(Path mosquitto) {
        this.executable = mosquitto;
        return this;
    }

    /** A line {@code key value} of mosquitto.conf, e.g. {@code max_inflight_messages 20}. */
    public MosquittoBroker withSetting(String key, String value) {
        settings.put(key, value);
        return this;
    }

    public MosquittoBroker start() throws IOException, InterruptedException {
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("no mosquitto at " + executable + ": install the Debian package 'mosquitto' "
                    + "(apt-get install -y mosquitto); the MQTT tests need a real broker");
        }
        dir = Files.createTempDirectory("mosquitto-");
        port = FreePorts.next();
        StringBuilder conf = new StringBuilder("# written by platform-testkit's MosquittoBroker\n")
                .append("listener ").append(port).append(" 127.0.0.1\n")
                .append("allow_anonymous true\n")
                .append("persistence false\n")
                .append("log_dest stderr\n")
                .append("log_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
        settings.forEach((k, v) -> conf.append(k).append(' ').append(v).append('\n'));
        Path confFile = dir.resolve("mosquitto.conf");
        Files.writeString(confFile, conf, StandardCharsets.UTF_8);
        process = new ProcessBuilder(List.of(executable.toString(), "-c", confFile.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile())
                .start();
        awaitListening();
        return this;
    }

    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + " before listening on 127.0.0.1:" + port
                        + "; its log:\n" + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("mosquitto did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT
                            + "; its log:\n" + log());
                }
            }
            Thread.sleep(50);
        }
    }

    /** {@code tcp://127.0.0.1:<port>}, what an MQTT client connects to. */
    public String serverUri() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** What the broker logged so far (connections, disconnections, warnings). */
    public String log() {
        try {
            Path file = dir.resolve("mosquitto.log");
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
        if (dir != null) {
            Directories.deleteRecursively(dir);
            dir = null;
        }
    }
}
