package io.datalakelab.lab.observe;

import io.datalakelab.lab.observe.LakeSnapshot.BrokerView;
import io.datalakelab.lab.observe.LakeSnapshot.ConsumerGroupView;
import io.datalakelab.lab.observe.LakeSnapshot.GroupPartitionView;
import io.datalakelab.lab.observe.LakeSnapshot.HdfsTopicView;
import io.datalakelab.lab.observe.LakeSnapshot.LostRangeView;
import io.datalakelab.lab.observe.LakeSnapshot.ServiceView;
import io.datalakelab.lab.observe.LakeSnapshot.TopicView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot as Prometheus text ({@code /metrics} of {@code lab dashboard}): what no single service can say about
 * itself, such as a stopped sink's growing lag, the brokers, the topics and what landed in HDFS. Every name starts
 * with {@code lab_}; docs/metrics.md lists them with the services' own.
 */
public final class LakeMetrics {

    private final Map<String, Family> families = new LinkedHashMap<>();

    private record Family(String type, String help, StringBuilder samples) {
    }

    private LakeMetrics() {
    }

    public static String render(LakeSnapshot s) {
        LakeMetrics m = new LakeMetrics();
        m.gauge("lab_up", "1 when Kafka, HDFS and the database are healthy", Map.of(), s.healthy() ? 1 : 0);
        for (BrokerView b : s.kafka().brokers()) {
            Map<String, String> broker = Map.of("broker", Integer.toString(b.id()));
            m.gauge("lab_kafka_broker_up", "1 when the broker is registered in the cluster metadata and its process runs", broker, b.healthy() ? 1 : 0);
            m.gauge("lab_kafka_broker_controller", "1 on the active KRaft controller (the metadata quorum's leader)", broker, b.controller() ? 1 : 0);
        }
        for (TopicView t : s.kafka().topics()) {
            Map<String, String> topic = Map.of("topic", t.name());
            m.gauge("lab_kafka_topic_partitions", "partitions of the topic", topic, t.partitions());
            m.gauge("lab_kafka_topic_under_replicated_partitions", "partitions whose in-sync replicas are fewer than their replicas", topic,
                    t.underReplicated());
            m.gauge("lab_kafka_topic_retention_seconds", "the topic's retention.ms in seconds; -1 keeps records for ever", topic,
                    t.retentionMs() < 0 ? -1 : t.retentionMs() / 1000.0);
            m.gauge("lab_kafka_topic_records", "records the topic holds now: end offsets minus start offsets", topic, t.records());
            m.gauge("lab_kafka_topic_size_bytes", "bytes of the leader replicas on the brokers' disks", topic, t.sizeBytes());
            if (t.recordsPerSecond() != null) {
                m.gauge("lab_kafka_topic_records_per_second", "growth of the end offsets over the dashboard's refresh interval", topic,
                        t.recordsPerSecond());
                m.gauge("lab_kafka_topic_bytes_per_second", "growth of the leader replicas on disk over the refresh interval", topic,
                        t.bytesPerSecond());
            }
        }
        for (ConsumerGroupView g : s.consumerGroups()) {
            for (GroupPartitionView p : g.partitions()) {
                Map<String, String> labels = new TreeMap<>(Map.of("group", g.group(), "topic", p.topic(), "partition", Integer.toString(p.partition())));
                m.gauge("lab_kafka_consumer_lag", "end offset minus the group's committed offset", labels, p.lag());
                if (p.oldestUnconsumedAgeMs() != null) {
                    m.gauge("lab_kafka_consumer_oldest_unconsumed_age_seconds", "age (Kafka timestamp) of the record at the committed offset",
                            labels, p.oldestUnconsumedAgeMs() / 1000.0);
                }
                if (p.retentionRatio() != null || p.expired()) {
                    m.gauge("lab_kafka_consumer_retention_risk_ratio",
                            "that age / retention.ms: 0.5 amber, 0.8 red, 1 expired unconsumed", labels, p.expired() ? 1.0 : p.retentionRatio());
                }
            }
        }
        if (s.hdfs().liveDataNodes() != null) {
            m.gauge("lab_hdfs_live_datanodes", "DataNodes the NameNode reports live", Map.of(), s.hdfs().liveDataNodes());
        }
        for (HdfsTopicView t : s.hdfs().topics()) {
            Map<String, String> topic = Map.of("topic", t.topic());
            m.gauge("lab_hdfs_files", "committed files under /datalake/raw/<topic>", topic, t.files());
            m.gauge("lab_hdfs_size_bytes", "bytes of those files", topic, t.bytes());
            if (t.newestFileMs() != null) {
                m.gauge("lab_hdfs_newest_file_timestamp_seconds", "modification time of the newest of them", topic, t.newestFileMs() / 1000.0);
            }
        }
        Map<String, Long> lost = new TreeMap<>();
        for (LostRangeView range : s.lostRanges()) {
            lost.merge(range.topic(), range.records(), Long::sum);
        }
        lost.forEach((topic, records) -> m.gauge("lab_hdfs_lost_records", "records of the topic's _LOST reports: expired before they were landed",
                Map.of("topic", topic), records));
        for (ServiceView service : s.services()) {
            if (service.state().equals("NOT_RUNNING")) {
                continue;
            }
            Map<String, String> name = Map.of("service", service.name());
            m.gauge("lab_service_up", "1 when a started service reports healthy", name, service.state().equals("UP") ? 1 : 0);
            if (service.name().startsWith("flume-")) {
                Map<String, String> agent = Map.of("agent", service.name());
                Double in = service.metrics().get("events in");
                Double out = service.metrics().get("events out");
                Double fill = service.metrics().get("channel fill %");
                if (in != null) {
                    m.counter("lab_flume_events_in_total", "events the agent's sources accepted (Flume's EventAcceptedCount)", agent, in);
                }
                if (out != null) {
                    m.counter("lab_flume_events_out_total", "events the agent's sinks drained (Flume's EventDrainSuccessCount)", agent, out);
                }
                if (fill != null) {
                    m.gauge("lab_flume_channel_fill_percent", "fullest channel of the agent, in percent", agent, fill);
                }
            }
        }
        if (s.demo() != null && s.demo().has("report")) {
            var audit = s.demo().path("report").path("audit");
            m.gauge("lab_demo_passed", "1 when the last `lab demo` proved 0 lost / 0 duplicated", Map.of(), s.demo().path("passed").asBoolean() ? 1 : 0);
            m.gauge("lab_demo_records", "readings the last demo found in HDFS", Map.of(), audit.path("records").asLong());
            m.gauge("lab_demo_lost", "readings the last demo found missing", Map.of(), audit.path("lost").asLong());
            m.gauge("lab_demo_duplicated", "readings the last demo found more than once", Map.of(), audit.path("duplicated").asLong());
            m.gauge("lab_demo_finished_timestamp_seconds", "when the last demo finished", Map.of(), s.demo().path("finishedAtMs").asLong() / 1000.0);
        }
        return m.text();
    }

    private void gauge(String name, String help, Map<String, String> labels, double value) {
        add(name, "gauge", help, labels, value);
    }

    private void counter(String name, String help, Map<String, String> labels, double value) {
        add(name, "counter", help, labels, value);
    }

    private void add(String name, String type, String help, Map<String, String> labels, double value) {
        Family family = families.computeIfAbsent(name, n -> new Family(type, help, new StringBuilder()));
        family.samples().append(name);
        if (!labels.isEmpty()) {
            family.samples().append('{');
            List<String> pairs = new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=\"" + escape(e.getValue()) + "\"").toList();
            family.samples().append(String.join(",", pairs)).append('}');
        }
        family.samples().append(' ').append(format(value)).append('\n');
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private String text() {
        StringBuilder out = new StringBuilder();
        families.forEach((name, f) -> out.append("# HELP ").append(name).append(' ').append(f.help()).append('\n')
                .append("# TYPE ").append(name).append(' ').append(f.type()).append('\n').append(f.samples()));
        return out.toString();
    }
}
