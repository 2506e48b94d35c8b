package io.datalakelab.lab.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.core.topic.TopicOffsets;
import io.datalakelab.core.topic.Topics;
import io.datalakelab.lab.Lab;
import io.datalakelab.lab.component.ComponentStatus;
import io.datalakelab.lab.demo.ChangeCaptureDemo;
import io.datalakelab.sink.audit.AuditReport;
import io.datalakelab.sink.audit.LandingAudit;
import io.datalakelab.sink.commit.OffsetRecovery;
import io.datalakelab.sink.layout.LakeLayout;
import io.datalakelab.sink.retention.LostRange;
import io.datalakelab.sink.retention.LostRangeReports;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The checks behind {@code lab check <lab>}: each looks at the live lab (topics, consumer groups, HDFS, the
 * database, the services' health) for what its lab's solution leaves behind, and says what it saw. A check
 * never changes the lab.
 */
public final class CourseLabChecks {

    static final String RAW = "/datalake/raw";
    private static final Pattern FIRST_PRODUCER_MESSAGE = Pattern.compile("message (\\d+)");
    private static final int FIRST_PRODUCER_MESSAGES = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Lab lab;

    public CourseLabChecks(Lab lab) {
        this.lab = lab;
    }

    /** Runs the check of one lab on the laptop lab ({@link CourseLab#DEPLOY} needs {@link #deploy}). */
    public CheckReport check(CourseLab which) throws Exception {
        CheckReport report = new CheckReport(which);
        switch (which) {
            case FIRST_TOPIC -> firstTopic(report);
            case REPLICATION -> replication(report);
            case JAVA_PRODUCER -> javaProducer(report);
            case PYTHON_CLIENTS -> pythonClients(report);
            case MANY_PRODUCERS -> manyProducers(report);
            case FILTERS -> filters(report);
            case IOT_TO_HDFS -> iotToHdfs(report);
            case MYSQL_TO_HDFS -> mysqlToHdfs(report);
            case FLUME -> flume(report);
            case RETENTION -> retention(report);
            case DEPLOY -> deploy(report, lab.config().bootstrapServers(), lab.config().hdfsUri());
        }
        return report;
    }

    /** Lab 11's check against a deployed cluster: its brokers in the cluster metadata and its live DataNodes. */
    public static CheckReport deploy(String bootstrapServers, String namenodeUri) throws Exception {
        CheckReport report = new CheckReport(CourseLab.DEPLOY);
        deploy(report, bootstrapServers, namenodeUri);
        return report;
    }

    private void firstTopic(CheckReport report) throws Exception {
        try (Admin admin = lab.kafka().admin()) {
            topicWithRecords(report, admin, "teste", 1, 1, 2,
                    "bin/kafka-topics.sh --create --bootstrap-server localhost:9092 --topic teste --partitions 1 --replication-factor 1");
        }
    }

    private void replication(CheckReport report) throws Exception {
        try (Admin admin = lab.kafka().admin()) {
            int brokers = admin.describeCluster().nodes().get().size();
            report.expect(brokers == 3, brokers == 3 ? "3 brokers alive"
                    : brokers + " broker(s) alive, the lab asks for 3: start the missing one with `./lab up` (or `./lab down --purge` then `./lab up --brokers 3`)");
            TopicDescription topic = topicWithRecords(report, admin, "replicado", 3, 3, 1,
                    "bin/kafka-topics.sh --create --bootstrap-server localhost:9092 --topic replicado --partitions 3 --replication-factor 3");
            if (topic == null) {
                return;
            }
            List<String> behind = new ArrayList<>();
            for (TopicPartitionInfo partition : topic.partitions()) {
                if (partition.isr().size() < partition.replicas().size()) {
                    behind.add("partition " + partition.partition() + " in sync " + ids(partition.isr()) + " of " + ids(partition.replicas()));
                }
            }
            report.expect(behind.isEmpty(), behind.isEmpty() ? "every partition of replicado has all its replicas in sync"
                    : "replicas out of sync: " + String.join("; ", behind) + " (bring the stopped broker back with `./lab up` and wait a few seconds)");
        }
    }

    private void javaProducer(CheckReport report) throws Exception {
        boolean exists = topicExists("topic");
        if (!report.expect(exists, exists ? "topic topic exists" : "topic topic does not exist: run FirstProducer (docs/examples/java/first-producer)")) {
            return;
        }
        List<String> values = TopicContents.values(lab.config().bootstrapServers(), "topic");
        Set<Integer> numbers = new HashSet<>();
        for (String value : values) {
            Matcher m = FIRST_PRODUCER_MESSAGE.matcher(value == null ? "" : value);
            if (m.matches()) {
                numbers.add(Integer.parseInt(m.group(1)));
            }
        }
        int found = 0;
        List<Integer> missing = new ArrayList<>();
        for (int n = 1; n <= FIRST_PRODUCER_MESSAGES; n++) {
            if (numbers.contains(n)) {
                found++;
            } else if (missing.size() < 5) {
                missing.add(n);
            }
        }
        report.expect(found == FIRST_PRODUCER_MESSAGES, found == FIRST_PRODUCER_MESSAGES
                ? "topic holds FirstProducer's 1000 messages, `message 1` to `message 1000`"
                : "topic holds " + found + " of FirstProducer's 1000 messages (missing e.g. " + missing
                        + "); run it again: java -jar docs/examples/java/first-producer/target/first-producer-0.1.0-SNAPSHOT.jar");
    }

    private void pythonClients(CheckReport report) throws Exception {
        List<JsonNode> tuples = tuples();
        report.expect(tuples.size() >= 10, "topic holds " + tuples.size() + " tuples [id, {idade, altura, peso}]"
                + (tuples.size() >= 10 ? "" : ", at least 10 asked: /usr/bin/python3 docs/examples/python/producer.py"));
        try (Admin admin = lab.kafka().admin()) {
            if (!topicExists(admin, "topic")) {
                return;
            }
            Map<Integer, Long> end = TopicOffsets.latest(admin, "topic");
            List<String> groups = new ArrayList<>();
            List<String> behind = new ArrayList<>();
            for (ConsumerGroupListing group : admin.listConsumerGroups().all().get()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata().get();
                long lag = 0;
                boolean readsTopic = false;
                for (Map.Entry<Integer, Long> partition : end.entrySet()) {
                    OffsetAndMetadata offset = committed.get(new TopicPartition("topic", partition.getKey()));
                    if (offset != null) {
                        readsTopic = true;
                    }
                    lag += partition.getValue() - (offset == null ? 0 : offset.offset());
                }
                if (readsTopic && lag == 0) {
                    groups.add(group.groupId());
                } else if (readsTopic) {
                    behind.add(group.groupId() + " (" + lag + " behind)");
                }
            }
            report.expect(!groups.isEmpty(), !groups.isEmpty() ? "consumer group " + String.join(", ", groups) + " read topic to its end"
                    : behind.isEmpty() ? "no consumer group has read topic: /usr/bin/python3 docs/examples/python/consumer.py --group aula --from-beginning --timeout 10"
                    : "consumer groups that have not read topic to its end: " + String.join(", ", behind) + "; run the consumer again with the same --group");
        }
    }

    private void manyProducers(CheckReport report) throws Exception {
        Set<Long> ids = new TreeSet<>();
        for (JsonNode tuple : tuples()) {
            ids.add(tuple.get(0).asLong());
        }
        report.expect(ids.size() >= 40, "topic holds tuples with " + ids.size() + " distinct ids"
                + (ids.size() >= 40 ? "" : ", at least 40 asked: /usr/bin/python3 docs/examples/python/producer.py --producers 4 --count 10"));
    }

    private void filters(CheckReport report) throws Exception {
        service(report, lab.speedLayer().status(), "./lab speed-layer");
        try (Admin admin = lab.kafka().admin()) {
            topicWithRecords(report, admin, Topics.ALERTS, 0, 0, 1, "./lab speed-layer, then ./lab simulate: readings over 80 kg raise alerts");
        }
    }

    private void iotToHdfs(CheckReport report) throws Exception {
        try (FileSystem fs = lab.hdfs().client()) {
            AuditReport audit = new LandingAudit(fs, new LakeLayout(new Path(RAW))).audit(Topics.SENSOR_READINGS, null, null, OptionalLong.empty());
            if (!report.expect(audit.files() > 0, audit.files() + " files under " + RAW + "/" + Topics.SENSOR_READINGS
                    + (audit.files() > 0 ? ", " + audit.records() + " readings of " + audit.devices() + " devices"
                    : ": start the sink with `./lab sink` and send readings with `./lab simulate records=1000`"))) {
                return;
            }
            report.expect(audit.isExact(), "landing audit: " + audit.lost() + " lost, " + audit.duplicated() + " duplicated"
                    + (audit.restartedSequences() == 0 ? "" : " (" + audit.restartedSequences()
                            + " readings are from later runs of devices whose sequence numbers started again: simulator runs with the same sites)")
                    + (audit.isExact() ? "" : " (`./lab lake landing-audit` says where)"));
        }
    }

    private void mysqlToHdfs(CheckReport report) throws Exception {
        try (FileSystem fs = lab.hdfs().client(); Admin admin = lab.kafka().admin()) {
            OffsetRecovery recovery = new OffsetRecovery(fs, new LakeLayout(new Path(RAW)));
            for (String table : ChangeCaptureDemo.tables()) {
                String topic = ChangeCaptureDemo.topic(table);
                if (!report.expect(topicExists(admin, topic), "topic " + topic + " exists"
                        + (topicExists(admin, topic) ? "" : ": start the change capture with `./lab cdc` and change the shop's tables"))) {
                    return;
                }
                boolean landed = recovery.hasLandedUpTo(topic, TopicOffsets.latest(admin, topic));
                report.expect(landed, landed ? "every change event of " + topic + " landed in HDFS"
                        : "change events of " + topic + " not landed yet: is `./lab cdc` running? (`./lab status`)");
            }
            try (Connection db = ChangeCaptureDemo.connect(lab)) {
                ChangeCaptureDemo.Replay replay = ChangeCaptureDemo.replayLakeAgainstTables(fs, db);
                report.expect(replay.exact(), replay.exact() ? "HDFS replays to the tables: " + replay.tableRows() + " rows, from " + replay.eventsLanded() + " events"
                        : "HDFS does not replay to the tables: " + replay.mismatches().stream().limit(5).toList()
                                + (replay.mismatches().size() > 5 ? " and " + (replay.mismatches().size() - 5) + " more" : ""));
            }
        }
    }

    private void flume(CheckReport report) throws Exception {
        service(report, lab.flume().status(), "./lab flume");
        String root = lab.config().flumeHdfsRoot();
        try (FileSystem fs = lab.hdfs().client()) {
            long files = fs.exists(new Path(root)) ? countFiles(fs, new Path(root), false) : 0;
            long open = fs.exists(new Path(root)) ? countFiles(fs, new Path(root), true) : 0;
            report.expect(files > 0, files + " files under " + root + (files > 0 ? ""
                    : open > 0 ? ": " + open + " still open (.tmp); Flume closes a file " + lab.config().flumeHdfsRoll().toSeconds()
                            + " s after it opened it (flume.hdfs.roll): check again then"
                    : ": send readings through Flume with `./lab simulate output=flume records=1000`"));
        }
    }

    private void retention(CheckReport report) throws Exception {
        try (FileSystem fs = lab.hdfs().client()) {
            LostRangeReports reports = new LostRangeReports(fs, new LakeLayout(new Path(RAW)));
            List<LostRange> lost = new ArrayList<>();
            if (fs.exists(new Path(RAW))) {
                for (FileStatus topicDir : fs.listStatus(new Path(RAW))) {
                    if (topicDir.isDirectory()) {
                        lost.addAll(reports.read(topicDir.getPath().getName()));
                    }
                }
            }
            long records = lost.stream().mapToLong(LostRange::count).sum();
            report.expect(!lost.isEmpty(), lost.isEmpty()
                    ? "no lost-range report (" + LostRangeReports.DIRECTORY + ") under " + RAW + ": no record has expired before the sink landed it yet"
                    : lost.size() + " lost-range report(s), " + records + " records expired before the sink landed them: " + lost.stream().limit(3).toList());
        }
    }

    private static void deploy(CheckReport report, String bootstrapServers, String namenodeUri) throws Exception {
        java.util.Properties settings = new java.util.Properties();
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(settings)) {
            List<Integer> ids = admin.describeCluster().nodes().get().stream().map(n -> n.id()).sorted().toList();
            report.expect(ids.size() == 3, ids.size() + " brokers in the cluster metadata at " + bootstrapServers + ": " + ids
                    + (ids.size() == 3 ? "" : ", 3 asked (`systemctl status kafka` on the missing node)"));
        } catch (ExecutionException e) {
            report.expect(false, "no Kafka broker answers at " + bootstrapServers + ": " + e.getCause().getMessage());
        }
        Configuration conf = new Configuration();
        conf.setInt("ipc.client.connect.max.retries", 1);
        try (FileSystem fs = FileSystem.newInstance(URI.create(namenodeUri), conf)) {
            if (!(fs instanceof DistributedFileSystem dfs)) {
                report.expect(false, namenodeUri + " is not an HDFS URI (hdfs://host:8020)");
                return;
            }
            int live = dfs.getDataNodeStats(HdfsConstants.DatanodeReportType.LIVE).length;
            report.expect(live == 2, live + " live DataNodes at " + namenodeUri + (live == 2 ? "" : ", 2 asked (`systemctl status hdfs-datanode` on the workers)"));
        } catch (IOException e) {
            report.expect(false, "the NameNode at " + namenodeUri + " does not answer: " + e.getMessage());
        }
    }

    /** Expects the topic with these partitions and replicas (0: any) and at least {@code minRecords}; its description, or null when absent. */
    private static TopicDescription topicWithRecords(CheckReport report, Admin admin, String topic, int partitions, int replicas, long minRecords,
                                                     String howToCreate) throws Exception {
        TopicDescription description;
        try {
            description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                report.expect(false, "topic " + topic + " does not exist: " + howToCreate);
                return null;
            }
            throw e;
        }
        int actualPartitions = description.partitions().size();
        int actualReplicas = description.partitions().get(0).replicas().size();
        boolean shape = (partitions == 0 || actualPartitions == partitions) && (replicas == 0 || actualReplicas == replicas);
        report.expect(shape, "topic " + topic + " has " + actualPartitions + " partition(s), replication factor " + actualReplicas
                + (shape ? "" : "; the lab asks for " + (partitions == 0 ? "any" : partitions) + " and " + (replicas == 0 ? "any" : replicas)
                        + ": delete it (bin/kafka-topics.sh --delete --bootstrap-server localhost:9092 --topic " + topic + ") and create it again"));
        long records = recordsHeld(admin, topic, actualPartitions);
        report.expect(records >= minRecords, topic + " holds " + records + " record(s)" + (records >= minRecords ? "" : ", at least " + minRecords + " asked"));
        return description;
    }

    private static long recordsHeld(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> earliest = new java.util.HashMap<>();
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            earliest.put(new TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.earliest());
            latest.put(new TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        long held = 0;
        for (var entry : admin.listOffsets(latest).all().get().entrySet()) {
            held += entry.getValue().offset();
        }
        for (var entry : admin.listOffsets(earliest).all().get().entrySet()) {
            held -= entry.getValue().offset();
        }
        return held;
    }

    private static void service(CheckReport report, ComponentStatus status, String howToStart) {
        report.expect(status.healthy(), status.name() + (status.healthy() ? " is running and healthy"
                : " is not healthy: " + status.summary() + " (start it with `" + howToStart + "`, see `./lab status`)"));
    }

    private List<JsonNode> tuples() throws Exception {
        List<JsonNode> tuples = new ArrayList<>();
        for (String value : TopicContents.values(lab.config().bootstrapServers(), "topic")) {
            try {
                JsonNode node = value == null ? null : JSON.readTree(value);
                if (node != null && node.isArray() && node.size() == 2 && node.get(0).canConvertToLong() && node.get(1).has("idade")
                        && node.get(1).has("altura") && node.get(1).has("peso")) {
                    tuples.add(node);
                }
            } catch (IOException notATuple) {
                // FirstProducer's plain-text messages share the topic: not a tuple, not counted.
            }
        }
        return tuples;
    }

    private boolean topicExists(String topic) throws Exception {
        try (Admin admin = lab.kafka().admin()) {
            return topicExists(admin, topic);
        }
    }

    private static boolean topicExists(Admin admin, String topic) throws Exception {
        return admin.listTopics().names().get().contains(topic);
    }

    /** Closed files under root, or with {@code stillOpen} the files Flume is still writing (their names end in .tmp). */
    private static long countFiles(FileSystem fs, Path root, boolean stillOpen) throws IOException {
        long files = 0;
        RemoteIterator<LocatedFileStatus> all = fs.listFiles(root, true);
        while (all.hasNext()) {
            String name = all.next().getPath().getName();
            if (!name.startsWith(".") && name.endsWith(".tmp") == stillOpen) {
                files++;
            }
        }
        return files;
    }

    private static String ids(Collection<org.apache.kafka.common.Node> nodes) {
        return nodes.stream().map(n -> Integer.toString(n.id())).toList().toString();
    }
}
