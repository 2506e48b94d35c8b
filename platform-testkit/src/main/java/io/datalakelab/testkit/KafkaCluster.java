package io.datalakelab.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka KRaft cluster inside the test JVM: {@code n} combined broker+controller nodes on free ports
 * of 127.0.0.1. {@link #start()} returns once every broker is registered and listed by the cluster metadata.
 *
 * <pre>{@code
 * try (KafkaCluster kafka = new KafkaCluster().withBrokers(3).start()) {
 *     String servers = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class KafkaCluster implements AutoCloseable {

    private int brokers = 1;
    private final Map<String, String> overrides = new HashMap<>();
    private final List<KafkaNodeSettings> nodes = new ArrayList<>();
    private final List<KafkaRaftServer> servers = new ArrayList<>();
    private Path baseDir;

    public KafkaCluster withBrokers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a cluster needs at least one broker, asked for " + count);
        }
        this.brokers = count;
        return this;
    }

    /** A broker setting for every node, e.g. {@code log.retention.check.interval.ms}. */
    public KafkaCluster withBrokerSetting(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    public KafkaCluster start() throws Exception {
        baseDir = Files.createTempDirectory("kafka-cluster-");
        List<Integer> clientPorts = new ArrayList<>();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < brokers; i++) {
            clientPorts.add(FreePorts.next());
            controllerPorts.add(FreePorts.next());
        }
        String voters = KafkaNodeSettings.voters(controllerPorts);
        String clusterId = Uuid.randomUuid().toString();
        for (int i = 0; i < brokers; i++) {
            KafkaNodeSettings node = new KafkaNodeSettings(i + 1, clientPorts.get(i), controllerPorts.get(i),
                    baseDir.resolve("node-" + (i + 1)), voters, brokers, overrides);
            node.format(clusterId);
            nodes.add(node);
        }
        // Every node's startup waits for the controller quorum, so all of them start at once.
        List<CompletableFuture<KafkaRaftServer>> starting = new ArrayList<>();
        for (KafkaNodeSettings node : nodes) {
            starting.add(CompletableFuture.supplyAsync(() -> {
                KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(node.toProperties(), false), Time.SYSTEM);
                server.startup();
                return server;
            }));
        }
        for (CompletableFuture<KafkaRaftServer> future : starting) {
            servers.add(future.get());
        }
        awaitBrokersRegistered(Duration.ofSeconds(60));
        return this;
    }

    private void awaitBrokersRegistered(Duration timeout) throws InterruptedException {
        try (Admin admin = admin()) {
            Await.until("all " + brokers + " Kafka brokers registered", timeout,
                    () -> admin.describeCluster().nodes().get().size() == brokers);
        }
    }

    public String bootstrapServers() {
        return String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.clientPort()).toList());
    }

    public int brokerCount() {
        return brokers;
    }

    public Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(properties);
    }

    @Override
    public void close() throws Exception {
        // Shut every node down together: the last one alone would wait for a quorum that is gone.
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (KafkaRaftServer server : servers) {
            stopping.add(CompletableFuture.runAsync(() -> {
                server.shutdown();
                server.awaitShutdown();
            }));
        }
        for (CompletableFuture<Void> future : stopping) {
            future.get();
        }
        servers.clear();
        if (baseDir != null) {
            Directories.deleteRecursively(baseDir);
        }
    }
}
