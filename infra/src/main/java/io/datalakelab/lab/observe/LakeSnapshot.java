package io.datalakelab.lab.observe;

import com.fasterxml.jackson.databind.JsonNode;
import io.datalakelab.lab.component.ComponentStatus;
import java.util.List;
import java.util.Map;

/**
 * One look at the whole lab: what the dashboard page shows, what its {@code /api/snapshot} returns and what
 * {@code lab status --json} prints. Every part says whether it could be read ({@code reachable}, {@code problem}),
 * so a lab that is half down still gets a snapshot of what is up.
 *
 * @param takenAtMs      when the look started (epoch ms)
 * @param refreshMs      how often the dashboard takes one (throughput is measured over that interval)
 * @param healthy        Kafka (every broker registered, its process alive), HDFS (out of safe mode, every DataNode live) and the
 *                       database (answering) healthy; the services run on demand and do not count
 * @param components     the same rows as {@code lab status} (processes, pids, ports) in {@code lab status --json}; empty in the
 *                       dashboard's looks
 * @param consumerGroups every consumer group with committed offsets, its lag and retention risk per partition
 * @param lostRanges     the sinks' {@code _LOST} reports: offsets that expired in Kafka before they were landed
 * @param demo           the last {@code lab demo} report as it saved it, or null if none ran
 */
public record LakeSnapshot(long takenAtMs, long refreshMs, boolean healthy, List<ComponentStatus> components, KafkaView kafka,
                           List<ConsumerGroupView> consumerGroups, List<LostRangeView> lostRanges, HdfsView hdfs,
                           List<ServiceView> services, JsonNode demo) {

    /**
     * @param controllerId the active KRaft controller (the metadata quorum's leader), null if unknown
     */
    public record KafkaView(boolean reachable, String problem, String clusterId, Integer controllerId, List<BrokerView> brokers,
                            List<TopicView> topics) {
    }

    /** @param healthy registered in the cluster's metadata and its process alive */
    public record BrokerView(int id, String host, int port, boolean controller, String process, Long pid, boolean healthy) {
    }

    /**
     * @param records          sum over partitions of end offset minus start offset: what the topic holds now
     * @param sizeBytes        bytes on disk of the leader replicas (from the brokers' log directories)
     * @param recordsPerSecond end offsets' growth over the last refresh interval; null on the first look
     * @param bytesPerSecond   leader replicas' growth on disk over the last interval (never below 0); null on the first look
     * @param history          the last rates, oldest first, for the page's small charts
     */
    public record TopicView(String name, int partitions, int replication, long retentionMs, int underReplicated, long records,
                            long sizeBytes, Double recordsPerSecond, Double bytesPerSecond, List<ThroughputPoint> history,
                            List<PartitionView> partitionDetail) {
    }

    public record PartitionView(int partition, Integer leader, List<Integer> replicas, List<Integer> isr, boolean underReplicated,
                                long startOffset, long endOffset, long sizeBytes) {
    }

    public record ThroughputPoint(long atMs, double recordsPerSecond, double bytesPerSecond) {
    }

    /** @param risk the worst risk of its partitions */
    public record ConsumerGroupView(String group, String state, int members, long lag, RiskLevel risk, List<GroupPartitionView> partitions) {
    }

    /**
     * @param committedOffset       the group's committed offset, or {@link #NOT_COMMITTED}
     * @param oldestUnconsumedAgeMs age of the record at the committed offset (its Kafka timestamp); null when nothing is
     *                              unconsumed or it could not be read in time
     * @param retentionRatio        that age / the topic's {@code retention.ms}
     * @param expired               the committed offset is below the partition's start: records expired unconsumed
     */
    public record GroupPartitionView(String topic, int partition, long committedOffset, long endOffset, long lag,
                                     Long oldestUnconsumedAgeMs, long retentionMs, Double retentionRatio, RiskLevel risk, boolean expired) {
        /** {@code committedOffset} of a partition the group has never committed on: it owes the partition from its start. */
        public static final long NOT_COMMITTED = -1;
    }

    public record LostRangeView(String topic, int partition, long fromOffset, long toOffset, long records) {
    }

    public record HdfsView(boolean reachable, String problem, String root, Integer liveDataNodes, boolean safeMode, List<HdfsTopicView> topics) {
    }

    /**
     * @param partitionCount how many time partitions the topic has; {@code partitions} holds the newest of them
     */
    public record HdfsTopicView(String topic, long files, long bytes, Long newestFileMs, int partitionCount,
                                List<HdfsPartitionView> partitions) {
    }

    /** @param complete the sink marked it {@code _SUCCESS}: the event-time watermark has passed it */
    public record HdfsPartitionView(String path, long files, long bytes, Long newestFileMs, boolean complete) {
    }

    /**
     * @param state   UP or DOWN from its {@code /health}; NOT_RUNNING when no process of it runs; UNKNOWN when it has no health endpoint
     * @param checks  its {@code /health} checks by name
     * @param metrics a few key numbers from its {@code /metrics}, by what they mean
     */
    public record ServiceView(String name, String role, int port, String state, Long pid, Map<String, CheckView> checks,
                              Map<String, Double> metrics, String problem) {
    }

    public record CheckView(String status, String detail) {
    }
}
