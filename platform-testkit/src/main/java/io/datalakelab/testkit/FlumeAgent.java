package io.datalakelab.testkit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Flume 1.11 agent running one of flume-agent's configurations in a JVM of its own, on the agent classpath
 * that {@code flume-agent/components} builds (Flume's Kafka parts need kafka-clients 2.7, which cannot share a JVM with
 * Kafka 4 brokers). {@link #start()} returns when Flume's HTTP monitoring lists every source, channel and sink of the
 * agent as started; {@link #metrics()} reads the same counters.
 *
 * <pre>{@code
 * try (FlumeAgent lake = FlumeAgent.of("lake", "kafka-to-hdfs.conf")
 *         .withEnv("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()).withEnv("HDFS_URI", hdfs.uri()).start()) {
 *     long landed = lake.counter("SINK.hdfs-1", "EventDrainSuccessCount");
 * }
 * }</pre>
 *
 * The agent distribution is found through the system property {@code flume.agent.home} (the {@code flume-agent}
 * folder), else by looking for {@code flume-agent/} in the working directory and its parents.
 */
public final class FlumeAgent implements AutoCloseable {

    public static final String HOME_PROPERTY = "flume.agent.home";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Path config;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String heap = "512m";
    private Path dataDir;
    private boolean ownDataDir;
    private int monitoringPort;
    private Process process;
    private Path logFile;

    private FlumeAgent(String name, Path config) {
        this.name = name;
        this.config = config;
    }

    /** The agent {@code name} of {@code flume-agent/conf/<configFile>}. */
    public static FlumeAgent of(String name, String configFile) {
        return new FlumeAgent(name, home().resolve("conf").resolve(configFile));
    }

    /** The agent {@code name} of a configuration file elsewhere, e.g. a variant of one of flume-agent's. */
    public static FlumeAgent of(String name, Path configFile) {
        return new FlumeAgent(name, configFile.toAbsolutePath());
    }

    /** An environment variable the configuration reads with {@code ${env:NAME}}. */
    public FlumeAgent withEnv(String variable, String value) {
        environment.put(variable, value);
        return this;
    }

    /** The value given to {@link #withEnv}, or null. */
    public String environment(String variable) {
        return environment.get(variable);
    }

    public FlumeAgent withHeap(String maxHeap) {
        this.heap = maxHeap;
        return this;
    }

    /** Starts the agent, or starts it again after {@link #kill()} or {@link #stop()} with the same channels' data. */
    public FlumeAgent start() throws IOException, InterruptedException {
        if (dataDir == null) {
            dataDir = environment.containsKey("FLUME_DATA_DIR") ? Path.of(environment.get("FLUME_DATA_DIR"))
                    : Files.createTempDirectory("flume-" + name + "-");
            ownDataDir = !environment.containsKey("FLUME_DATA_DIR");
            logFile = dataDir.resolve("agent.log");
        }
        monitoringPort = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseParallelGC", "-Djava.net.preferIPv4Stack=true",
                "-Dflume.monitoring.type=http", "-Dflume.monitoring.port=" + monitoringPort,
                "-cp", classpath(), "io.datalakelab.flume.launch.AgentLauncher",
                "-n", name, "-f", config.toString(), "--no-reload-conf"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().put("FLUME_DATA_DIR", dataDir.toString());
        builder.environment().putAll(environment);
        process = builder.start();
        awaitStarted();
        return this;
    }

    private void awaitStarted() throws InterruptedException {
        List<String> components = declaredComponents();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Flume agent '" + name + "' exited with " + process.exitValue() + " before it started; its log "
                        + logFile + " ends with:\n" + logTail());
            }
            try {
                Map<String, Map<String, String>> metrics = metrics();
                if (components.stream().allMatch(c -> metrics.containsKey(c) && !"0".equals(metrics.get(c).get("StartTime")))) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // The monitoring server is not up yet.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Flume agent '" + name + "' did not start " + components + " within " + START_TIMEOUT
                        + "; its log ends with:\n" + logTail());
            }
            Thread.sleep(100);
        }
    }

    /** {@code SOURCE.<name>}, {@code CHANNEL.<name>}, {@code SINK.<name>}: the keys of Flume's monitoring JSON. */
    private List<String> declaredComponents() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(config)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> components = new ArrayList<>();
        for (String kind : List.of("sources", "channels", "sinks")) {
            String prefix = switch (kind) {
                case "sources" -> "SOURCE.";
                case "channels" -> "CHANNEL.";
                default -> "SINK.";
            };
            for (String component : properties.getProperty(name + "." + kind, "").trim().split("\\s+")) {
                if (!component.isEmpty()) {
                    components.add(prefix + component);
                }
            }
        }
        return components;
    }

    /** Flume's monitoring counters, e.g. {@code metrics().get("CHANNEL.landing").get("ChannelSize")}. */
    public Map<String, Map<String, String>> metrics() {
        try (InputStream in = URI.create("http://127.0.0.1:" + monitoringPort + "/metrics").toURL().openStream()) {
            return JSON.readValue(in, new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Flume agent '" + name + "' monitoring on port " + monitoringPort + ": " + e.getMessage(), e);
        }
    }

    /** One counter as a number, 0 when the component has not reported it yet. */
    public long counter(String component, String counter) {
        Map<String, String> values = metrics().get(component);
        return values == null || values.get(counter) == null ? 0 : Long.parseLong(values.get(counter));
    }

    /** Ends the agent the way a crash or {@code kill -9} does: nothing is flushed or closed. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** A clean stop (SIGTERM): Flume's shutdown hook stops sources first, then sinks, then channels. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public Path dataDir() {
        return dataDir;
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        if (ownDataDir && dataDir != null) {
            Directories.deleteRecursively(dataDir);
        }
    }

    /** The {@code flume-agent} folder: its {@code conf/} and its built {@code components/target/}. */
    public static Path home() {
        String configured = System.getProperty(HOME_PROPERTY);
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("flume-agent").resolve("components"))) {
                return dir.resolve("flume-agent");
            }
            if (dir.getFileName() != null && dir.getFileName().toString().equals("flume-agent") && Files.isDirectory(dir.resolve("components"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the flume-agent folder from " + Path.of("").toAbsolutePath() + "; set -D" + HOME_PROPERTY);
    }

    /** The agent's runtime classpath (written by the build) and the components jar. */
    public static String classpath() {
        return classpath(home());
    }

    /** The same for the {@code flume-agent} folder {@code home}, e.g. the one of the checkout a lab runs from. */
    public static String classpath(Path home) {
        Path target = home.resolve("components").resolve("target");
        Path classpathFile = target.resolve("agent.classpath");
        if (!Files.exists(classpathFile)) {
            throw new IllegalStateException("no " + classpathFile + ": build the agent first (./mvnw -pl flume-agent/components -am package)");
        }
        try (Stream<Path> jars = Files.list(target)) {
            Path componentsJar = jars.filter(p -> p.getFileName().toString().matches("flume-agent-components-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith("-sources.jar") && !p.getFileName().toString().endsWith("-tests.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no flume-agent-components jar in " + target + ": build the agent first"));
            return componentsJar + java.io.File.pathSeparator + Files.readString(classpathFile).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
