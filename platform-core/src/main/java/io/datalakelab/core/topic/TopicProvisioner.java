package io.datalakelab.core.topic;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics from {@link TopicSpec}s if they are missing, and says so when an existing topic differs. */
public final class TopicProvisioner {

    private final Admin admin;

    /**
     * Creates each missing topic by its spec fitted to the cluster's size ({@link TopicSpec#forBrokers}), warning
     * about existing ones that differ; fails naming {@code bootstrap.servers} when the cluster cannot be reached.
     */
    public static void ensureFitted(String bootstrapServers, List<TopicSpec> specs) throws InterruptedException {
        java.util.Properties props = new java.util.Properties();
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            int brokers;
            try {
                brokers = admin.describeCluster().nodes().get(30, java.util.concurrent.TimeUnit.SECONDS).size();
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " (bootstrap.servers): "
                        + (e.getCause() == null ? e : e.getCause().getMessage()), e);
            }
            TopicProvisioner provisioner = new TopicProvisioner(admin);
            for (TopicSpec spec : specs) {
                String difference = provisioner.ensure(spec.forBrokers(brokers));
                if (!difference.isEmpty()) {
                    org.slf4j.LoggerFactory.getLogger(TopicProvisioner.class).warn(difference);
                }
            }
        }
    }

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    /**
     * Returns once every partition of a new topic has a leader. Producing earlier draws NOT_LEADER errors, and
     * an idempotent producer whose first batch is refused can be stuck in out-of-order-sequence retries until
     * its delivery timeout drops the records.
     */
    private void awaitLeaders(String topic, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    // The metadata can name a leader before that broker serves the partition: ask each leader.
                    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                    description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                    admin.listOffsets(request).all().get();
                    return;
                }
            } catch (ExecutionException e) {
                // The new topic's metadata has not reached every broker yet: ask again.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " was created but not every partition had a leader within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Ensures the topic exists. An existing topic is left as it is (changing partitions re-keys data);
     * the returned text says how it differs from the spec, or is empty.
     */
    public String ensure(TopicSpec spec) throws InterruptedException {
        try {
            admin.createTopics(List.of(spec.toNewTopic())).all().get();
            awaitLeaders(spec.name(), Duration.ofSeconds(30));
            return "";
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + spec.name() + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
        try {
            Map<String, TopicDescription> described = admin.describeTopics(List.of(spec.name())).allTopicNames().get();
            TopicDescription description = described.get(spec.name());
            int partitions = description.partitions().size();
            int replicas = description.partitions().get(0).replicas().size();
            if (partitions != spec.partitions() || replicas != spec.replicationFactor()) {
                return "topic " + spec.name() + " already exists with " + partitions + " partitions and RF " + replicas
                        + " (spec asks for " + spec.partitions() + " and " + spec.replicationFactor() + "); kept as it is";
            }
            return "";
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe topic " + spec.name() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
