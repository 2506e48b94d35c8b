package io.datalakelab.lab.component;

import io.datalakelab.lab.LabConfig;
import io.datalakelab.lab.process.JavaCommand;
import io.datalakelab.lab.process.LabState;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.lab.process.Ports;
import io.datalakelab.lab.process.Readiness;
import io.datalakelab.testkit.KafkaNodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/** A KRaft cluster of 1 to 3 combined broker+controller processes, each Kafka's own {@code kafka.Kafka} main. */
public final class KafkaComponent implements LabComponent {

    private final LabConfig config;
    private final LabState state;
    private final List<ManagedProcess> brokers = new ArrayList<>();

    public KafkaComponent(LabConfig config, LabState state) {
        this.config = config;
        this.state = state;
        for (int i = 1; i <= config.brokers(); i++) {
            brokers.add(new ManagedProcess(state, "kafka-" + i));
        }
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public List<ManagedProcess> processes() {
        return brokers;
    }

    @Override
    public String endpoint() {
        return "Kafka " + config.bootstrapServers() + " (" + config.brokers() + " broker" + (config.brokers() > 1 ? "s" : "") + ", KRaft)";
    }

    @Override
    public void start() throws Exception {
        Path home = state.dir("kafka");
        Files.createDirectories(home);
        Path clusterIdFile = home.resolve("cluster.id");
        if (!Files.exists(clusterIdFile)) {
            Files.writeString(clusterIdFile, Uuid.randomUuid().toString());
        }
        String clusterId = Files.readString(clusterIdFile).trim();
        String voters = KafkaNodeSettings.voters(config.kafkaControllerPorts().subList(0, config.brokers()));
        for (int i = 1; i <= config.brokers(); i++) {
            ManagedProcess broker = brokers.get(i - 1);
            if (broker.running().isPresent()) {
                continue;
            }
            int clientPort = config.kafkaClientPorts().get(i - 1);
            int controllerPort = config.kafkaControllerPorts().get(i - 1);
            Ports.requireFree(clientPort, "Kafka broker " + i + " clients");
            Ports.requireFree(controllerPort, "Kafka broker " + i + " controller");
            KafkaNodeSettings node = new KafkaNodeSettings(i, clientPort, controllerPort, home.resolve("broker-" + i).toAbsolutePath(),
                    voters, config.brokers(), Map.of());
            node.format(clusterId);
            Path properties = home.resolve("broker-" + i + ".properties");
            node.writeServerProperties(properties);
            broker.start(JavaCommand.of(config.kafkaHeap(), Optional.of(JavaCommand.classDataArchive(state, broker.name())), "kafka.Kafka",
                    List.of(properties.toAbsolutePath().toString())), home);
        }
    }

    @Override
    public void awaitReady(Instant deadline) throws Exception {
        try (Admin admin = admin()) {
            Readiness.await("all " + config.brokers() + " Kafka brokers in the cluster metadata", deadline, brokers,
                    () -> admin.describeCluster().nodes().get().size() == config.brokers());
        }
    }

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(p);
    }

    @Override
    public ComponentStatus status() {
        List<ComponentStatus.ProcessStatus> processes = new ArrayList<>();
        for (int i = 0; i < brokers.size(); i++) {
            ManagedProcess broker = brokers.get(i);
            Long pid = broker.running().map(ProcessHandle::pid).orElse(null);
            int port = config.kafkaClientPorts().get(i);
            processes.add(new ComponentStatus.ProcessStatus(broker.name(), pid, port, pid != null && Ports.isListening(port)));
        }
        if (processes.stream().noneMatch(ComponentStatus.ProcessStatus::alive)) {
            return new ComponentStatus(name(), processes, false, "not running", List.of());
        }
        try (Admin admin = admin()) {
            int registered = admin.describeCluster().nodes().get().size();
            TreeSet<String> names = new TreeSet<>(admin.listTopics().names().get());
            Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
            List<ConfigResource> resources = names.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
            List<Map<String, Object>> detail = new ArrayList<>();
            for (String topic : names) {
                TopicDescription description = topics.get(topic);
                Config topicConfig = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("topic", topic);
                row.put("partitions", description.partitions().size());
                row.put("replication", description.partitions().get(0).replicas().size());
                row.put("underReplicated", description.partitions().stream().filter(p -> p.isr().size() < p.replicas().size()).count());
                long retentionMs = Long.parseLong(topicConfig.get(TopicConfig.RETENTION_MS_CONFIG).value());
                row.put("retentionMs", retentionMs);
                row.put("retention", retentionMs < 0 ? "forever" : Duration.ofMillis(retentionMs).toHours() + "h");
                detail.add(row);
            }
            return new ComponentStatus(name(), processes, registered == config.brokers(),
                    registered + "/" + config.brokers() + " brokers registered, " + names.size() + " topics", detail);
        } catch (Exception e) {
            return new ComponentStatus(name(), processes, false, "not answering: " + e.getMessage(), List.of());
        }
    }
}
