package io.datalakelab.lab.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.lab.Lab;
import io.datalakelab.lab.component.ComponentStatus;
import io.datalakelab.lab.observe.LakeSnapshot.BrokerView;
import io.datalakelab.lab.observe.LakeSnapshot.CheckView;
import io.datalakelab.lab.observe.LakeSnapshot.ConsumerGroupView;
import io.datalakelab.lab.observe.LakeSnapshot.GroupPartitionView;
import io.datalakelab.lab.observe.LakeSnapshot.HdfsPartitionView;
import io.datalakelab.lab.observe.LakeSnapshot.HdfsTopicView;
import io.datalakelab.lab.observe.LakeSnapshot.HdfsView;
import io.datalakelab.lab.observe.LakeSnapshot.KafkaView;
import io.datalakelab.lab.observe.LakeSnapshot.LostRangeView;
import io.datalakelab.lab.observe.LakeSnapshot.PartitionView;
import io.datalakelab.lab.observe.LakeSnapshot.ServiceView;
import io.datalakelab.lab.observe.LakeSnapshot.ThroughputPoint;
import io.datalakelab.lab.observe.LakeSnapshot.TopicView;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.lab.process.Ports;
import io.datalakelab.sink.completeness.SuccessMarkers;
import io.datalakelab.sink.layout.LakeLayout;
import io.datalakelab.sink.retention.LostRange;
import io.datalakelab.sink.retention.LostRangeReports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Looks at a running lab from outside, the way an operator would: Kafka's admin API (brokers, the KRaft quorum,
 * topics, offsets, log directories, consumer groups), one record read at each lagging group's committed offset
 * (its timestamp is the age of the oldest unconsumed record), HDFS listings under {@code /datalake/raw}, and each
 * service's {@code /health} and {@code /metrics}. It only reads: no group is joined, no offset committed, nothing
 * written. Not thread-safe: one thread takes the snapshots.
 */
public final class LakeObserver implements AutoCloseable {

    public static final String LAKE_ROOT = "/datalake/raw";
    /** Time partitions listed per topic (the newest); the page has no room for a year of hours. */
    static final int PARTITIONS_SHOWN = 24;
    /** Rates kept per topic for the charts: 60 looks, five minutes at the default refresh. */
    static final int HISTORY = 60;
    private static final long KAFKA_TIMEOUT_S = 8;
    /** How long one look waits for records at lagging offsets before it leaves their age unknown. */
    private static final Duration PEEK_BUDGET = Duration.ofSeconds(3);
    private static final int TIMESTAMP_CACHE = 10_000;
    /** The position of a partition the group owes but has never committed on (see {@link #positionsOf}). */
    static final long NOT_COMMITTED = LakeSnapshot.GroupPartitionView.NOT_COMMITTED;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Lab lab;
    private final Duration refresh;
    private final List<ObservedService> services;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ThroughputHistory throughput = new ThroughputHistory(HISTORY);
    /** A record's timestamp never changes: remember it by topic, partition and offset. */
    private final Map<String, Long> timestamps = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > TIMESTAMP_CACHE;
        }
    };
    private Admin admin;
    private KafkaConsumer<byte[], byte[]> peek;
    private DistributedFileSystem hdfs;

    public LakeObserver(Lab lab, Duration refresh) {
        this.lab = lab;
        this.refresh = refresh;
        this.services = ObservedService.of(lab);
    }

    /**
     * One look at everything; a part that cannot be read says why and the others are still filled in.
     *
     * @param withComponents also {@code lab status}'s rows (processes, pids, ports); the dashboard leaves them out, since
     *                       they repeat what the look reads anyway at the cost of new Kafka and HDFS clients each time
     */
    public LakeSnapshot snapshot(boolean withComponents) {
        long now = System.currentTimeMillis();
        KafkaLook kafka = lookAtKafka(now);
        HdfsLook hdfs = lookAtHdfs();
        boolean databaseHealthy = lab.config().database() == io.datalakelab.lab.LabConfig.Database.NONE || lab.database().status().healthy();
        boolean healthy = kafka.view().reachable() && kafka.view().brokers().stream().allMatch(BrokerView::healthy)
                && hdfs.view().reachable() && !hdfs.view().safeMode() && hdfs.view().liveDataNodes() == lab.config().dataNodes()
                && databaseHealthy;
        List<ComponentStatus> components = withComponents ? lab.status() : List.of();
        return new LakeSnapshot(now, refresh.toMillis(), healthy, components, kafka.view(), kafka.groups(),
                hdfs.lost(), hdfs.view(), lookAtServices(), lastDemo());
    }

    // ---- Kafka ---------------------------------------------------------------------------------------------------

    private record KafkaLook(KafkaView view, List<ConsumerGroupView> groups) {
    }

    private KafkaLook lookAtKafka(long now) {
        List<BrokerView> brokers = new ArrayList<>();
        try {
            Admin admin = admin();
            DescribeClusterResult cluster = admin.describeCluster();
            Map<Integer, Node> registered = new TreeMap<>();
            for (Node node : get(cluster.nodes())) {
                registered.put(node.id(), node);
            }
            String clusterId = get(cluster.clusterId());
            Integer controller = null;
            try {
                controller = get(admin.describeMetadataQuorum().quorumInfo()).leaderId();
            } catch (ExecutionException e) {
                // an old or half-started quorum: the page shows no controller rather than no cluster
            }
            brokers.addAll(brokerViews(registered, controller));

            Set<String> names = new TreeSet<>(get(admin.listTopics().names()));
            Map<String, TopicDescription> descriptions = names.isEmpty() ? Map.of() : get(admin.describeTopics(names).allTopicNames());
            Map<String, Long> retention = retentionOf(names);
            List<TopicPartition> partitions = new ArrayList<>();
            descriptions.values().forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
            Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> sizes = leaderSizes(registered.keySet(), descriptions);

            List<TopicView> topics = new ArrayList<>();
            for (String name : names) {
                TopicDescription description = descriptions.get(name);
                List<PartitionView> detail = new ArrayList<>();
                long records = 0;
                long endSum = 0;
                long size = 0;
                for (TopicPartitionInfo p : description.partitions()) {
                    TopicPartition tp = new TopicPartition(name, p.partition());
                    long start = starts.getOrDefault(tp, 0L);
                    long end = ends.getOrDefault(tp, 0L);
                    long bytes = sizes.getOrDefault(tp, 0L);
                    records += end - start;
                    endSum += end;
                    size += bytes;
                    boolean under = p.isr().size() < p.replicas().size();
                    detail.add(new PartitionView(p.partition(), p.leader() == null || p.leader().isEmpty() ? null : p.leader().id(),
                            p.replicas().stream().map(Node::id).toList(), p.isr().stream().map(Node::id).toList(), under, start, end, bytes));
                }
                ThroughputPoint rate = throughput.sample(name, now, endSum, size);
                int replication = description.partitions().isEmpty() ? 0 : description.partitions().get(0).replicas().size();
                topics.add(new TopicView(name, description.partitions().size(), replication, retention.getOrDefault(name, -1L),
                        (int) detail.stream().filter(PartitionView::underReplicated).count(), records, size,
                        rate == null ? null : rate.recordsPerSecond(), rate == null ? null : rate.bytesPerSecond(), throughput.history(name), detail));
            }
            List<ConsumerGroupView> groups = lookAtGroups(starts, ends, retention, now);
            return new KafkaLook(new KafkaView(true, null, clusterId, controller, brokers, topics), groups);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            String problem = Redaction.scrub("Kafka at " + lab.config().bootstrapServers() + " is not answering: " + rootMessage(e));
            if (brokers.isEmpty()) {
                brokers.addAll(brokerViews(Map.of(), null));
            }
            return new KafkaLook(new KafkaView(false, problem, null, null, brokers, List.of()), List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new KafkaLook(new KafkaView(false, "interrupted", null, null, brokers, List.of()), List.of());
        }
    }

    /** One row per configured broker: registered in the metadata, and its lab process running. */
    private List<BrokerView> brokerViews(Map<Integer, Node> registered, Integer controller) {
        List<BrokerView> out = new ArrayList<>();
        List<ManagedProcess> processes = lab.kafka().processes();
        for (int i = 0; i < processes.size(); i++) {
            int id = i + 1;
            Node node = registered.get(id);
            Long pid = processes.get(i).running().map(ProcessHandle::pid).orElse(null);
            String host = node != null ? node.host() : "localhost";
            int port = node != null ? node.port() : lab.config().kafkaClientPorts().get(i);
            out.add(new BrokerView(id, host, port, controller != null && controller == id, processes.get(i).name(), pid,
                    node != null && pid != null));
        }
        return out;
    }

    private Map<String, Long> retentionOf(Set<String> topics) throws ExecutionException, InterruptedException, TimeoutException {
        if (topics.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<String, Long> out = new HashMap<>();
        for (Map.Entry<ConfigResource, Config> entry : get(admin().describeConfigs(resources).all()).entrySet()) {
            out.put(entry.getKey().name(), Long.parseLong(entry.getValue().get(TopicConfig.RETENTION_MS_CONFIG).value()));
        }
        return out;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e : get(admin().listOffsets(request).all()).entrySet()) {
            out.put(e.getKey(), e.getValue().offset());
        }
        return out;
    }

    /** Bytes on disk of each partition's leader replica, from the brokers' log directories. */
    private Map<TopicPartition, Long> leaderSizes(Set<Integer> brokers, Map<String, TopicDescription> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, Integer> leaders = new HashMap<>();
        topics.values().forEach(d -> d.partitions().forEach(p -> {
            if (p.leader() != null && !p.leader().isEmpty()) {
                leaders.put(new TopicPartition(d.name(), p.partition()), p.leader().id());
            }
        }));
        Map<TopicPartition, Long> out = new HashMap<>();
        if (brokers.isEmpty()) {
            return out;
        }
        for (Map.Entry<Integer, Map<String, LogDirDescription>> broker : get(admin().describeLogDirs(brokers).allDescriptions()).entrySet()) {
            for (LogDirDescription dir : broker.getValue().values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                    if (broker.getKey().equals(leaders.get(replica.getKey())) && !replica.getValue().isFuture()) {
                        out.merge(replica.getKey(), replica.getValue().size(), Long::sum);
                    }
                }
            }
        }
        return out;
    }

    private List<ConsumerGroupView> lookAtGroups(Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends,
                                                 Map<String, Long> retention, long now)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<String> ids = get(admin().listGroups(ListGroupsOptions.forConsumerGroups()).all()).stream().map(GroupListing::groupId).sorted().toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, ConsumerGroupDescription> described = get(admin().describeConsumerGroups(ids).all());
        Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
        ids.forEach(id -> specs.put(id, new ListConsumerGroupOffsetsSpec()));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = get(admin().listConsumerGroupOffsets(specs).all());

        // Which records to read: the first unconsumed one of every lagging partition whose timestamp is not known yet.
        Map<String, Map<TopicPartition, Long>> positions = new LinkedHashMap<>();
        ids.forEach(id -> positions.put(id, positionsOf(committed.getOrDefault(id, Map.of()), described.get(id), ends)));
        Map<TopicPartition, Long> toRead = new HashMap<>();
        positions.values().forEach(offsets -> offsets.forEach((tp, position) -> {
            long at = position == NOT_COMMITTED ? starts.getOrDefault(tp, 0L) : position;
            if (at < ends.get(tp) && at >= starts.getOrDefault(tp, 0L) && !timestamps.containsKey(key(tp, at))) {
                toRead.merge(tp, at, Math::min);
            }
        }));
        readTimestamps(toRead, ends);

        List<ConsumerGroupView> out = new ArrayList<>();
        for (String id : ids) {
            List<GroupPartitionView> partitions = new ArrayList<>();
            positions.get(id).entrySet().stream()
                    .sorted(Comparator.comparing((Map.Entry<TopicPartition, Long> e) -> e.getKey().topic())
                            .thenComparingInt(e -> e.getKey().partition()))
                    .forEach(e -> partitions.add(groupPartition(e.getKey(), e.getValue(), starts.getOrDefault(e.getKey(), 0L),
                            ends.get(e.getKey()), retention.getOrDefault(e.getKey().topic(), -1L), now)));
            if (partitions.isEmpty()) {
                continue;
            }
            ConsumerGroupDescription description = described.get(id);
            RiskLevel worst = partitions.stream().map(GroupPartitionView::risk).reduce(RiskLevel.GREEN, RiskLevel::worse);
            out.add(new ConsumerGroupView(id, description == null ? "UNKNOWN" : String.valueOf(description.groupState()),
                    description == null ? 0 : description.members().size(), partitions.stream().mapToLong(GroupPartitionView::lag).sum(),
                    worst, partitions));
        }
        return out;
    }

    /**
     * Where a group stands on every partition it owes: each partition of every topic it has committed on or is
     * assigned, not only the partitions it has committed on. A partition that has received no record since the
     * group started has no committed offset; when records arrive there, the group owes them from the partition's
     * start (the sinks read from the earliest offset), and leaving that partition out would hide its lag and its
     * retention risk. {@link #NOT_COMMITTED} marks such a partition.
     */
    static Map<TopicPartition, Long> positionsOf(Map<TopicPartition, OffsetAndMetadata> committed, ConsumerGroupDescription description,
                                                 Map<TopicPartition, Long> ends) {
        Set<String> topics = new TreeSet<>();
        committed.forEach((tp, o) -> {
            if (o != null) {
                topics.add(tp.topic());
            }
        });
        if (description != null) {
            description.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> topics.add(tp.topic())));
        }
        Map<TopicPartition, Long> positions = new HashMap<>();
        ends.keySet().stream().filter(tp -> topics.contains(tp.topic())).forEach(tp -> {
            OffsetAndMetadata o = committed.get(tp);
            positions.put(tp, o == null ? NOT_COMMITTED : o.offset());
        });
        return positions;
    }

    private GroupPartitionView groupPartition(TopicPartition tp, long position, long start, long end, long retentionMs, long now) {
        // never committed: the group will read from the partition's start, so everything in it is still owed
        long committed = position == NOT_COMMITTED ? start : position;
        long lag = Math.max(0, end - committed);
        if (position != NOT_COMMITTED && committed < start) {
            // retention deleted records this group never read: lost to it, whatever it does next
            return new GroupPartitionView(tp.topic(), tp.partition(), committed, end, lag, null, retentionMs, null, RiskLevel.RED, true);
        }
        Long timestamp = lag == 0 ? null : timestamps.get(key(tp, committed));
        if (timestamp == null) {
            return new GroupPartitionView(tp.topic(), tp.partition(), position, end, lag, null, retentionMs, lag == 0 ? 0.0 : null,
                    RiskLevel.GREEN, false);
        }
        long age = Math.max(0, now - timestamp);
        double ratio = retentionMs > 0 ? (double) age / retentionMs : 0.0;
        return new GroupPartitionView(tp.topic(), tp.partition(), position, end, lag, age, retentionMs, ratio, RiskLevel.of(ratio), false);
    }

    /**
     * Reads one record at each offset with a group-less consumer (nothing committed, no group joined) and remembers
     * its timestamp. Reads uncommitted: a producer's open transaction must not hold the look up; a transaction
     * marker at the offset is skipped by the consumer, so the timestamp is the next record's.
     */
    private void readTimestamps(Map<TopicPartition, Long> offsets, Map<TopicPartition, Long> ends) {
        if (offsets.isEmpty()) {
            return;
        }
        KafkaConsumer<byte[], byte[]> consumer = peek();
        consumer.assign(offsets.keySet());
        offsets.forEach(consumer::seek);
        Set<TopicPartition> pending = new HashSet<>(offsets.keySet());
        long deadline = System.nanoTime() + PEEK_BUDGET.toNanos();
        try {
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (pending.remove(tp)) {
                        timestamps.put(key(tp, offsets.get(tp)), record.timestamp());
                        consumer.pause(List.of(tp));
                    }
                }
                pending.removeIf(tp -> consumer.position(tp, Duration.ofSeconds(1)) >= ends.get(tp)); // only markers left
            }
        } catch (KafkaException e) {
            // out of range (retention moved on meanwhile): the next look sees the new start and reports it
        } finally {
            consumer.unsubscribe();
        }
    }

    private static String key(TopicPartition tp, long offset) {
        return tp.topic() + "/" + tp.partition() + "@" + offset;
    }

    // ---- HDFS ----------------------------------------------------------------------------------------------------

    private record HdfsLook(HdfsView view, List<LostRangeView> lost) {
    }

    private HdfsLook lookAtHdfs() {
        if (!Ports.isListening(lab.config().nameNodeRpcPort())) {
            closeHdfs();
            return new HdfsLook(new HdfsView(false, "the NameNode is not listening on " + lab.config().nameNodeRpcPort(), LAKE_ROOT, null,
                    false, List.of()), List.of());
        }
        try {
            DistributedFileSystem fs = hdfs();
            int live = fs.getDataNodeStats(HdfsConstants.DatanodeReportType.LIVE).length;
            boolean safeMode = fs.isInSafeMode();
            Path root = new Path(LAKE_ROOT);
            List<HdfsTopicView> topics = new ArrayList<>();
            List<LostRangeView> lost = new ArrayList<>();
            if (fs.exists(root)) {
                LostRangeReports reports = new LostRangeReports(fs, new LakeLayout(root));
                for (FileStatus topicDir : fs.listStatus(root)) {
                    if (!topicDir.isDirectory() || topicDir.getPath().getName().startsWith("_")) {
                        continue;
                    }
                    String topic = topicDir.getPath().getName();
                    topics.add(topicTree(fs, topicDir.getPath(), topic));
                    for (LostRange range : reports.read(topic)) {
                        lost.add(new LostRangeView(range.topic(), range.partition(), range.fromOffset(), range.toOffset(), range.count()));
                    }
                }
            }
            return new HdfsLook(new HdfsView(true, null, LAKE_ROOT, live, safeMode, topics), lost);
        } catch (IOException | RuntimeException e) {
            closeHdfs(); // the next look connects afresh
            return new HdfsLook(new HdfsView(false, Redaction.scrub("HDFS at " + lab.config().hdfsUri() + ": " + rootMessage(e)), LAKE_ROOT,
                    null, false, List.of()), List.of());
        }
    }

    private record PartitionTotals(long[] filesAndBytes, long[] newest, boolean[] complete) {
        PartitionTotals() {
            this(new long[2], new long[] {-1}, new boolean[1]);
        }
    }

    /** Files, bytes and the newest file of every time partition ({@code dt=.../hr=...}) of a topic; hidden files and directories skipped. */
    private static HdfsTopicView topicTree(FileSystem fs, Path topicDir, String topic) throws IOException {
        TreeMap<String, PartitionTotals> partitions = new TreeMap<>();
        walk(fs, topicDir, "", partitions);
        long files = 0;
        long bytes = 0;
        long newest = -1;
        for (PartitionTotals t : partitions.values()) {
            files += t.filesAndBytes()[0];
            bytes += t.filesAndBytes()[1];
            newest = Math.max(newest, t.newest()[0]);
        }
        List<HdfsPartitionView> shown = new ArrayList<>();
        for (Map.Entry<String, PartitionTotals> e : partitions.descendingMap().entrySet()) {
            if (shown.size() == PARTITIONS_SHOWN) {
                break;
            }
            PartitionTotals t = e.getValue();
            shown.add(new HdfsPartitionView(e.getKey(), t.filesAndBytes()[0], t.filesAndBytes()[1], t.newest()[0] < 0 ? null : t.newest()[0],
                    t.complete()[0]));
        }
        return new HdfsTopicView(topic, files, bytes, newest < 0 ? null : newest, partitions.size(), shown);
    }

    private static void walk(FileSystem fs, Path dir, String relative, Map<String, PartitionTotals> partitions) throws IOException {
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (status.isDirectory()) {
                if (!name.startsWith("_") && !name.startsWith(".")) {
                    walk(fs, status.getPath(), relative.isEmpty() ? name : relative + "/" + name, partitions);
                }
            } else if (name.equals(SuccessMarkers.MARKER)) {
                partitions.computeIfAbsent(relative, r -> new PartitionTotals()).complete()[0] = true;
            } else if (!name.startsWith("_") && !name.startsWith(".")) {
                PartitionTotals totals = partitions.computeIfAbsent(relative, r -> new PartitionTotals());
                totals.filesAndBytes()[0]++;
                totals.filesAndBytes()[1] += status.getLen();
                totals.newest()[0] = Math.max(totals.newest()[0], status.getModificationTime());
            }
        }
    }

    // ---- services ------------------------------------------------------------------------------------------------

    private List<ServiceView> lookAtServices() {
        List<ServiceView> out = new ArrayList<>();
        for (ObservedService service : services) {
            out.add(lookAt(service));
        }
        return out;
    }

    private ServiceView lookAt(ObservedService service) {
        Long pid = service.process() == null ? null : service.process().running().map(ProcessHandle::pid).orElse(null);
        boolean listening = Ports.isListening(service.port());
        if (!listening) {
            String state = pid == null ? "NOT_RUNNING" : "DOWN";
            return new ServiceView(service.name(), service.role(), service.port(), state, pid, Map.of(), Map.of(),
                    pid == null ? null : "running, but nothing answers on port " + service.port());
        }
        try {
            return service.kind() == ObservedService.Kind.FLUME ? lookAtFlume(service, pid) : lookAtPlatformService(service, pid);
        } catch (IOException | RuntimeException e) {
            return new ServiceView(service.name(), service.role(), service.port(), "DOWN", pid, Map.of(), Map.of(),
                    Redaction.scrub(rootMessage(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ServiceView(service.name(), service.role(), service.port(), "UNKNOWN", pid, Map.of(), Map.of(), "interrupted");
        }
    }

    private ServiceView lookAtPlatformService(ObservedService service, Long pid) throws IOException, InterruptedException {
        HttpResponse<String> health = fetch(service.port(), "/health");
        JsonNode body = JSON.readTree(health.body());
        Map<String, CheckView> checks = new LinkedHashMap<>();
        body.path("checks").fields().forEachRemaining(e -> checks.put(e.getKey(),
                new CheckView(e.getValue().path("status").asText(), Redaction.scrub(e.getValue().path("detail").asText()))));
        PrometheusScrape scrape = PrometheusScrape.parse(fetch(service.port(), "/metrics").body());
        Map<String, Double> metrics = new LinkedHashMap<>();
        service.keyMetrics().forEach((meaning, name) -> {
            var value = name.startsWith("max:") ? scrape.max(name.substring(4)) : scrape.sum(name);
            if (value.isPresent()) {
                metrics.put(meaning, value.getAsDouble());
            }
        });
        String state = health.statusCode() == 200 ? "UP" : "DOWN";
        return new ServiceView(service.name(), service.role(), service.port(), state, pid, checks, metrics, null);
    }

    /** Flume has no health endpoint: an agent is up when its monitoring answers and every source has started. */
    private ServiceView lookAtFlume(ObservedService service, Long pid) throws IOException, InterruptedException {
        JsonNode components = JSON.readTree(fetch(service.port(), "/metrics").body());
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, CheckView> checks = new LinkedHashMap<>();
        boolean allStarted = true;
        for (var it = components.fields(); it.hasNext(); ) {
            var component = it.next();
            String type = component.getKey().substring(0, component.getKey().indexOf('.'));
            long started = component.getValue().path("StartTime").asLong(0);
            allStarted &= started > 0;
            checks.put(component.getKey(), new CheckView(started > 0 ? "UP" : "DOWN", started > 0 ? "started" : "not started"));
            service.keyMetrics().forEach((meaning, name) -> {
                boolean max = name.startsWith("max:");
                String[] typeAndAttribute = (max ? name.substring(4) : name).split("\\.");
                if (typeAndAttribute[0].equals(type) && component.getValue().has(typeAndAttribute[1])) {
                    double value = component.getValue().path(typeAndAttribute[1]).asDouble();
                    metrics.merge(meaning, value, max ? Math::max : Double::sum);
                }
            });
        }
        return new ServiceView(service.name(), service.role(), service.port(), allStarted && !checks.isEmpty() ? "UP" : "DOWN", pid, checks,
                metrics, null);
    }

    private HttpResponse<String> fetch(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // ---- the demo ------------------------------------------------------------------------------------------------

    private JsonNode lastDemo() {
        java.nio.file.Path file = lab.state().demoReportFile();
        try {
            return Files.exists(file) ? JSON.readTree(file.toFile()) : null;
        } catch (IOException e) {
            return JSON.createObjectNode().put("problem", "cannot read " + file + ": " + e.getMessage());
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------

    /** One HDFS client for every look: Hadoop's client costs a configuration parse and a connection to set up. */
    private DistributedFileSystem hdfs() throws IOException {
        if (hdfs == null) {
            hdfs = lab.hdfs().client();
        }
        return hdfs;
    }

    private void closeHdfs() {
        if (hdfs != null) {
            try {
                hdfs.close();
            } catch (IOException e) {
                // a client of a NameNode that went away: nothing left to release
            }
            hdfs = null;
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = lab.kafka().admin();
        }
        return admin;
    }

    private KafkaConsumer<byte[], byte[]> peek() {
        if (peek == null) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, lab.config().bootstrapServers());
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, "lab-dashboard-peek");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            // One record is wanted per partition: fetch the least the broker sends (it always sends a whole first batch).
            p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1");
            p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
            peek = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return peek;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(KAFKA_TIMEOUT_S, TimeUnit.SECONDS);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    @Override
    public void close() {
        closeHdfs();
        if (peek != null) {
            peek.close(Duration.ofSeconds(2));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
