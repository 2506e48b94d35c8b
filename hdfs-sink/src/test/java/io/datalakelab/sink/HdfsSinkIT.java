package io.datalakelab.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.health.HealthServer;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.Schemas;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.topic.TopicOffsets;
import io.datalakelab.core.topic.TopicProvisioner;
import io.datalakelab.core.topic.TopicSpec;
import io.datalakelab.sink.audit.AuditReport;
import io.datalakelab.sink.audit.LandingAudit;
import io.datalakelab.sink.commit.OffsetRecovery;
import io.datalakelab.sink.compaction.Compactor;
import io.datalakelab.sink.dlq.DeadLetterQueue;
import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.LakeLayout;
import io.datalakelab.sink.retention.LostRange;
import io.datalakelab.sink.retention.LostRangeReports;
import io.datalakelab.testkit.Await;
import io.datalakelab.testkit.HdfsCluster;
import io.datalakelab.testkit.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sink against a real KRaft broker and a real HDFS, started once for the class. */
class HdfsSinkIT {

    private static KafkaCluster kafka;
    private static HdfsCluster hdfs;
    private static FileSystem fs;

    @BeforeAll
    static void startCluster() throws Exception {
        // Retention checked every half second, so a test can watch a topic's old segments expire.
        kafka = new KafkaCluster().withBrokers(1).withBrokerSetting("log.retention.check.interval.ms", "500").start();
        hdfs = new HdfsCluster().withDataNodes(1).start();
        fs = hdfs.fileSystem();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private static SinkConfig config(String topic, String group, long flushRecords, Duration rotate, String... extra) {
        List<String> settings = new ArrayList<>(List.of(
                "bootstrap.servers=" + kafka.bootstrapServers(),
                "topics=" + topic,
                "group.id=" + group,
                "hdfs.uri=" + hdfs.uri(),
                "hdfs.replication=1",
                "flush.records=" + flushRecords,
                "rotate.interval=" + rotate.toMillis() + "ms",
                "health.port=-1"));
        settings.addAll(List.of(extra));
        return SinkConfig.from(SinkConfig.SPEC.load(null, Map.of(), settings));
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin).ensure(new TopicSpec(topic, partitions, (short) 1, 1, TopicSpec.DEFAULT_RETENTION));
        }
    }

    private static AuditReport audit(String topic, String site, long expected) throws Exception {
        return new LandingAudit(fs, new LakeLayout(new Path("/datalake/raw"))).audit(topic, site, null, OptionalLong.of(expected));
    }

    private static void await(String what, Duration timeout, Callable<Boolean> condition) throws InterruptedException {
        Await.until(what, timeout, condition);
    }

    private static long distinctLanded(String topic, String site) {
        try {
            AuditReport r = audit(topic, site, 0);
            return r.records() - r.duplicated();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void landsEveryReadingOnceInEventTimePartitions() throws Exception {
        String topic = "land-once";
        createTopic(topic, 3);
        long eventTime = 1_763_900_000_000L; // 2025-11-23T12:13:20Z
        TestReadings.send(kafka.bootstrapServers(), topic, "site-a", 7, 10_000, eventTime);

        Map<Integer, Long> endOffsets = endOffsets(topic);
        try (HdfsSink sink = new HdfsSink(config(topic, "g-land", 1_500, Duration.ofSeconds(2)), HealthServer.newRegistry())) {
            Thread worker = new Thread(sink);
            worker.start();
            await("every offset landed", Duration.ofSeconds(60), () -> landedUpTo(topic, endOffsets));
            sink.stop();
            worker.join(30_000);
        }

        AuditReport report = audit(topic, "site-a", 10_000);
        assertThat(report.records()).isEqualTo(10_000);
        assertThat(report.duplicated()).isZero();
        assertThat(report.lost()).isZero();
        assertThat(report.offsetOverlaps()).isZero();
        assertThat(report.offsetGaps()).isZero();
        assertThat(report.devices()).isEqualTo(7);
        assertThat(report.recordsPerPartition().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10_000);

        List<CommittedFileName> files = new OffsetRecovery(fs, new LakeLayout(new Path("/datalake/raw"))).committedFiles(topic);
        assertThat(files).allSatisfy(f -> assertThat(f.span()).isLessThanOrEqualTo(1_500));
        assertThat(files).anySatisfy(f -> assertThat(f.span()).as("rotated on flush.records").isEqualTo(1_500));
        String hour = new io.datalakelab.sink.layout.EventTimePartitioner(ZoneId.of("UTC")).partitionOf(eventTime);
        assertThat(hour).isEqualTo("dt=2025-11-23/hr=12");
        assertThat(fs.exists(new Path("/datalake/raw/" + topic + "/" + hour))).isTrue();

        // The Hive DDL for what landed, printed and written next to the data (under _hive/, which readers skip).
        int exit = io.datalakelab.core.cli.Commands.commandLine(new io.datalakelab.sink.hive.HiveDdlCommand())
                .execute("--hdfs-uri", hdfs.uri().toString(), "--topic", topic, "--write");
        assertThat(exit).isZero();
        String ddl;
        try (var in = fs.open(new Path("/datalake/raw/" + topic + "/_hive/ddl.sql"))) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(ddl).contains("CREATE EXTERNAL TABLE IF NOT EXISTS `land_once`")
                .contains("ADD IF NOT EXISTS PARTITION (`dt`='2025-11-23', `hr`='12')");
    }

    @Test
    void aRestartedSinkWhosePartitionsAllHaveFilesContinuesAfterThemAndReadsNothingAgain() throws Exception {
        String topic = "restart-all-landed";
        createTopic(topic, 2);
        TestReadings.send(kafka.bootstrapServers(), topic, "site-r1", 4, 2_000, System.currentTimeMillis());
        Map<Integer, Long> firstEnd = endOffsets(topic);
        runSinkUntilLanded(topic, "g-restart", firstEnd);

        // Every partition now has committed files: the second run must resume after them, not from offset 0.
        TestReadings.send(kafka.bootstrapServers(), topic, "site-r2", 4, 2_000, System.currentTimeMillis());
        runSinkUntilLanded(topic, "g-restart-other-group", endOffsets(topic));

        assertThat(audit(topic, "site-r1", 2_000).isExact()).isTrue();
        AuditReport second = audit(topic, "site-r2", 2_000);
        assertThat(second.records()).isEqualTo(2_000);
        assertThat(second.isExact()).isTrue();
        assertThat(audit(topic, null, 4_000).offsetOverlaps()).isZero();
    }

    @Test
    void aDeviceWhoseCounterStartsAgainIsAnotherRunNotADuplicateWhileTheSameReadingTwiceIsOne() throws Exception {
        String topic = "counter-restart";
        createTopic(topic, 2);
        long anHourAgo = System.currentTimeMillis() - 3_600_000;
        TestReadings.send(kafka.bootstrapServers(), topic, "site-c", 4, 1_000, anHourAgo);
        // The same four devices, their counters from 1 again (the simulator run a second time), an hour later.
        TestReadings.send(kafka.bootstrapServers(), topic, "site-c", 4, 1_000, anHourAgo + 3_600_000);
        runSinkUntilLanded(topic, "g-counter", endOffsets(topic));

        AuditReport twoRuns = audit(topic, "site-c", 2_000);
        assertThat(twoRuns.records()).isEqualTo(2_000);
        assertThat(twoRuns.restartedSequences()).isEqualTo(1_000);
        assertThat(twoRuns.duplicated()).isZero();
        assertThat(twoRuns.isExact()).isTrue();

        // The first run's readings once more, event times and all: these are duplicates, whatever the run.
        TestReadings.send(kafka.bootstrapServers(), topic, "site-c", 4, 1_000, anHourAgo);
        runSinkUntilLanded(topic, "g-counter", endOffsets(topic));
        AuditReport resent = audit(topic, "site-c", 2_000);
        assertThat(resent.duplicated()).isEqualTo(1_000);
        assertThat(resent.isExact()).isFalse();
    }

    private static void runSinkUntilLanded(String topic, String group, Map<Integer, Long> endOffsets, String... settings) throws Exception {
        try (HdfsSink sink = new HdfsSink(config(topic, group, 1_000_000, Duration.ofSeconds(1), settings), HealthServer.newRegistry())) {
            Thread worker = new Thread(sink);
            worker.start();
            await("every offset of " + topic + " landed", Duration.ofSeconds(60), () -> worker.isAlive() && landedUpTo(topic, endOffsets));
            sink.stop();
            worker.join(30_000);
        }
    }

    @Test
    void anHdfsOutagePausesTheSinkWhichResumesExactlyWhenTheNameNodeIsBack() throws Exception {
        String topic = "outage";
        createTopic(topic, 2);
        TestReadings.send(kafka.bootstrapServers(), topic, "site-o1", 5, 1_000, System.currentTimeMillis());
        Map<Integer, Long> beforeOutage = endOffsets(topic);
        try (HdfsSink sink = new HdfsSink(config(topic, "g-outage", 1_000_000, Duration.ofSeconds(1), "retention.check.interval=300ms"),
                HealthServer.newRegistry())) {
            Thread worker = new Thread(sink);
            worker.start();
            await("the first readings landed", Duration.ofSeconds(60), () -> landedUpTo(topic, beforeOutage));

            hdfs.miniCluster().shutdownNameNode(0);
            // Everything is landed, so no write notices the outage: the sink's own status check must.
            await("the idle sink to report HDFS down", Duration.ofSeconds(60), () -> sink.hdfsProblem().isPresent());
            TestReadings.send(kafka.bootstrapServers(), topic, "site-o2", 5, 1_000, System.currentTimeMillis());
            assertThat(worker.isAlive()).as("the sink keeps running through the outage").isTrue();
            // Paused, it holds no file: the watchdog reads the age of the first unlanded record from Kafka.
            org.apache.kafka.common.TopicPartition first = new org.apache.kafka.common.TopicPartition(topic, 0);
            await("retention risk measured while paused", Duration.ofSeconds(30), () -> {
                var risk = sink.retentionRisks().get(first);
                return risk != null && risk.oldestUnlandedOffset() == beforeOutage.get(0) && risk.ageMs() > 0;
            });

            hdfs.miniCluster().restartNameNode(0, true);
            Map<Integer, Long> afterOutage = endOffsets(topic);
            await("every reading landed after the outage", Duration.ofSeconds(120),
                    () -> sink.hdfsProblem().isEmpty() && landedUpTo(topic, afterOutage));
            sink.stop();
            worker.join(30_000);
        }
        assertThat(audit(topic, "site-o1", 1_000).isExact()).isTrue();
        AuditReport afterwards = audit(topic, "site-o2", 1_000);
        assertThat(afterwards.records()).isEqualTo(1_000);
        assertThat(afterwards.isExact()).isTrue();
    }

    @Test
    void aSpaceQuotaThatStopsWritesIsReportedAndTheSinkLandsEverythingOnceItIsLifted() throws Exception {
        String topic = "quota";
        createTopic(topic, 1);
        TestReadings.send(kafka.bootstrapServers(), topic, "site-q1", 3, 600, System.currentTimeMillis());
        Path topicDir = new Path("/datalake/raw/" + topic);
        fs.mkdirs(topicDir);
        var dfs = (org.apache.hadoop.hdfs.DistributedFileSystem) fs;
        dfs.setQuota(topicDir, org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_DONT_SET, 64 * 1024);
        Map<Integer, Long> end = endOffsets(topic);
        try (HdfsSink sink = new HdfsSink(config(topic, "g-quota", 1_000_000, Duration.ofMillis(500)), HealthServer.newRegistry())) {
            Thread worker = new Thread(sink);
            worker.start();
            await("the sink to report the quota", Duration.ofSeconds(60),
                    () -> sink.hdfsProblem().filter(problem -> problem.toLowerCase().contains("quota")).isPresent());
            assertThat(new OffsetRecovery(fs, new LakeLayout(new Path("/datalake/raw"))).committedFiles(topic)).isEmpty();

            dfs.setQuota(topicDir, org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_DONT_SET, org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_RESET);
            await("every reading landed once the quota is lifted", Duration.ofSeconds(90),
                    () -> worker.isAlive() && sink.hdfsProblem().isEmpty() && landedUpTo(topic, end));
            sink.stop();
            worker.join(30_000);
        }
        assertThat(audit(topic, "site-q1", 600).isExact()).isTrue();
    }

    @Test
    void losingTheOnlyDataNodePausesTheSinkWhichLandsEverythingOnceWhenItReturns() throws Exception {
        String topic = "datanode-loss";
        createTopic(topic, 2);
        TestReadings.send(kafka.bootstrapServers(), topic, "site-d1", 4, 800, System.currentTimeMillis());
        Map<Integer, Long> beforeLoss = endOffsets(topic);
        try (HdfsSink sink = new HdfsSink(config(topic, "g-dn", 1_000_000, Duration.ofMillis(500)), HealthServer.newRegistry())) {
            Thread worker = new Thread(sink);
            worker.start();
            await("the first readings landed", Duration.ofSeconds(60), () -> landedUpTo(topic, beforeLoss));

            org.apache.hadoop.hdfs.MiniDFSCluster.DataNodeProperties dataNode = hdfs.miniCluster().stopDataNode(0);
            TestReadings.send(kafka.bootstrapServers(), topic, "site-d2", 4, 800, System.currentTimeMillis());
            await("the sink to report that no DataNode takes the writes", Duration.ofSeconds(90), () -> sink.hdfsProblem().isPresent());
            assertThat(worker.isAlive()).isTrue();

            hdfs.miniCluster().restartDataNode(dataNode, true);
            hdfs.miniCluster().waitActive();
            Map<Integer, Long> afterLoss = endOffsets(topic);
            await("every reading landed after the DataNode returned", Duration.ofSeconds(120),
                    () -> worker.isAlive() && sink.hdfsProblem().isEmpty() && landedUpTo(topic, afterLoss));
            sink.stop();
            worker.join(30_000);
        }
        assertThat(audit(topic, "site-d1", 800).isExact()).isTrue();
        assertThat(audit(topic, "site-d2", 800).isExact()).isTrue();
    }

    @Test
    void twoInstancesShareThePartitionsAndRebalancesNeitherDuplicateNorSkip() throws Exception {
        String topic = "shared";
        createTopic(topic, 4);
        // Keep producing, a new site per batch, until both instances have landed files of their own.
        java.util.concurrent.atomic.AtomicBoolean keepProducing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
            try {
                // The bound only guards against a test that never stops it; the flow must outlast the rebalance.
                while (keepProducing.get() && batches.get() < 1_000) {
                    TestReadings.send(kafka.bootstrapServers(), topic, "site-s" + batches.get(), 9, 500, System.currentTimeMillis());
                    batches.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        SinkConfig config = config(topic, "g-shared", 700, Duration.ofSeconds(1));
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry firstMetrics = HealthServer.newRegistry();
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry secondMetrics = HealthServer.newRegistry();
        try (HdfsSink first = new HdfsSink(config, firstMetrics); HdfsSink second = new HdfsSink(config, secondMetrics)) {
            Thread firstWorker = new Thread(first);
            firstWorker.start();
            await("the first instance landing files", Duration.ofSeconds(60), () -> filesCommitted(firstMetrics, topic) > 2);

            // A second instance joins mid-flow: the first gives up half the partitions after landing what it holds.
            Thread secondWorker = new Thread(second);
            secondWorker.start();
            await("the partitions shared out", Duration.ofSeconds(60),
                    () -> second.ownedPartitions().size() == 2 && first.ownedPartitions().size() == 2);
            double firstBefore = filesCommitted(firstMetrics, topic);
            await("both instances landing files", Duration.ofSeconds(60),
                    () -> filesCommitted(secondMetrics, topic) > 0 && filesCommitted(firstMetrics, topic) > firstBefore);

            // The first leaves cleanly: the second takes every partition over from the committed file names.
            first.stop();
            firstWorker.join(30_000);
            keepProducing.set(false);
            producing.get(3, TimeUnit.MINUTES);
            Map<Integer, Long> end = endOffsets(topic);
            await("every offset landed by the remaining instance", Duration.ofSeconds(90),
                    () -> secondWorker.isAlive() && landedUpTo(topic, end));
            second.stop();
            secondWorker.join(30_000);
        }
        // Device ids carry their batch's site, so one audit over the topic checks every device's sequence.
        AuditReport report = audit(topic, null, batches.get() * 500L);
        assertThat(report.records()).isEqualTo(batches.get() * 500L);
        assertThat(report.isExact()).isTrue();
        assertThat(report.offsetGaps()).isZero();
    }

    private static double filesCommitted(io.micrometer.core.instrument.MeterRegistry registry, String topic) {
        var counter = registry.find("sink.files.committed").tag("topic", topic).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void offsetsThatExpireBeforeTheyLandAreReportedExactlyAndTheSinkGoesOn() throws Exception {
        String topic = "expiring";
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    "retention.ms", "1500", "segment.ms", "300", "file.delete.delay.ms", "0")))).all().get();
        }
        TestReadings.send(kafka.bootstrapServers(), topic, "site-e1", 3, 100, System.currentTimeMillis());
        runSinkUntilLanded(topic, "g-expire", endOffsets(topic));

        // While no sink runs, offsets 100-199 are written and expire: the sink's next position is gone.
        TestReadings.send(kafka.bootstrapServers(), topic, "site-e2", 3, 100, System.currentTimeMillis());
        await("retention deleting offsets 100-199", Duration.ofSeconds(60), () -> {
            // Each small write rolls the time-based segment, so the old ones become eligible for deletion.
            TestReadings.send(kafka.bootstrapServers(), topic, "site-e-tick", 1, 1, System.currentTimeMillis());
            return earliestOffset(topic) > 199;
        });
        TestReadings.send(kafka.bootstrapServers(), topic, "site-e3", 3, 200, System.currentTimeMillis());

        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = HealthServer.newRegistry();
        Map<Integer, Long> end = endOffsets(topic);
        try (HdfsSink sink = new HdfsSink(config(topic, "g-expire", 1_000_000, Duration.ofSeconds(1)), registry)) {
            Thread worker = new Thread(sink);
            worker.start();
            await("landing after the expired range", Duration.ofSeconds(60), () -> worker.isAlive() && landedUpTo(topic, end));
            sink.stop();
            worker.join(30_000);
        }

        // Retention may go on deleting while the sink catches up, so the hole can be reported in several
        // ranges; together they must cover exactly the offsets from the last landed one to where landing resumed.
        List<LostRange> lost = new ArrayList<>(new LostRangeReports(fs, new LakeLayout(new Path("/datalake/raw"))).read(topic));
        lost.sort(java.util.Comparator.comparingLong(LostRange::fromOffset));
        assertThat(lost).isNotEmpty();
        assertThat(lost.get(0).fromOffset()).as("the first offset not in any file").isEqualTo(100);
        for (int i = 1; i < lost.size(); i++) {
            assertThat(lost.get(i).fromOffset()).as("reported ranges are contiguous").isEqualTo(lost.get(i - 1).toOffset() + 1);
        }
        long resumedAt = new OffsetRecovery(fs, new LakeLayout(new Path("/datalake/raw"))).committedFiles(topic).stream()
                .mapToLong(CommittedFileName::startOffset).filter(o -> o > 99).min().orElseThrow();
        assertThat(lost.get(lost.size() - 1).toOffset() + 1).as("the reports end where landing resumed").isEqualTo(resumedAt);
        long lostRecords = lost.stream().mapToLong(LostRange::count).sum();
        assertThat(registry.get("sink.records.lost").tag("topic", topic).counter().count()).isEqualTo(lostRecords);

        AuditReport all = audit(topic, null, 0);
        assertThat(all.reportedLost()).isEqualTo(lostRecords);
        assertThat(all.offsetGaps()).as("the hole is accounted for by the report").isZero();
        assertThat(audit(topic, "site-e2", 100).records()).isZero();
        assertThat(audit(topic, "site-e1", 100).isExact()).isTrue();
        AuditReport after = audit(topic, "site-e3", 200);
        assertThat(after.records()).isEqualTo(200);
        assertThat(after.isExact()).isTrue();
    }

    private static long earliestOffset(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            return admin.listOffsets(Map.of(new org.apache.kafka.common.TopicPartition(topic, 0),
                    org.apache.kafka.clients.admin.OffsetSpec.earliest())).all().get().values().iterator().next().offset();
        }
    }

    @Test
    void aPartitionHoldingUnlandedRecordsRaisesRetentionRiskBeforeTheyCouldExpire() throws Exception {
        String topic = "at-risk";
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("retention.ms", "8000")))).all().get();
        }
        TestReadings.send(kafka.bootstrapServers(), topic, "site-risk", 2, 50, System.currentTimeMillis());
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = HealthServer.newRegistry();
        // The file stays open for an hour, so its records stay unlanded while their age grows.
        SinkConfig config = config(topic, "g-risk", 1_000_000, Duration.ofHours(1),
                "retention.check.interval=300ms", "retention.warn.ratio=0.25", "retention.critical.ratio=0.5");
        try (HdfsSink sink = new HdfsSink(config, registry)) {
            Thread worker = new Thread(sink);
            worker.start();
            await("the warning share of retention", Duration.ofSeconds(30), () -> ratioOf(sink, tp) >= 0.25);
            assertThat(registry.get("sink.retention.risk.ratio").tag("topic", topic).tag("partition", "0").gauge().value())
                    .isGreaterThanOrEqualTo(0.25);
            await("the critical share of retention", Duration.ofSeconds(30), () -> ratioOf(sink, tp) >= 0.5);
            assertThat(sink.retentionRisks().get(tp).oldestUnlandedOffset()).isZero();
            assertThat(sink.retentionRisks().get(tp).retentionMs()).isEqualTo(8000);
            sink.stop();
            worker.join(30_000);
        }
        assertThat(audit(topic, "site-risk", 50).isExact()).isTrue();
    }

    private static double ratioOf(HdfsSink sink, org.apache.kafka.common.TopicPartition tp) {
        var risk = sink.retentionRisks().get(tp);
        return risk == null ? 0.0 : risk.ratio();
    }

    @Test
    void partitionsBySiteAndDayAndRotatesBySizeAndTimeSpan() throws Exception {
        String topic = "by-site";
        createTopic(topic, 1);
        long day1 = 1_763_856_000_000L; // 2025-11-23T00:00Z
        long day2 = day1 + Duration.ofDays(1).toMillis();
        long[] next = new long[4];
        try (KafkaProducer<String, byte[]> producer = TestReadings.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < 800; i++) {
                int device = i % 4;
                String site = device < 2 ? "porto" : "São Paulo";
                // Alternate days in runs of 100 and spread each run over 3 hours of event time.
                long base = (i / 100) % 2 == 0 ? day1 : day2;
                SensorReading reading = new SensorReading(site + "-" + device, "thermometer", site,
                        base + (i % 100) * Duration.ofMinutes(2).toMillis(), ++next[device], Map.of("temperature", 20.0));
                producer.send(new ProducerRecord<>(topic, reading.deviceId(), SensorReadingCodec.toJson(reading))).get();
            }
        }
        Map<Integer, Long> end = endOffsets(topic);
        try (HdfsSink sink = new HdfsSink(config(topic, "g-site", 1_000_000, Duration.ofSeconds(1),
                "partition.fields=site", "partition.granularity=daily", "flush.bytes=4000", "rotate.span=1h"), HealthServer.newRegistry())) {
            Thread worker = new Thread(sink);
            worker.start();
            await("every offset landed", Duration.ofSeconds(60), () -> landedUpTo(topic, end));
            sink.stop();
            worker.join(30_000);
        }

        List<org.apache.hadoop.fs.FileStatus> files = new OffsetRecovery(fs, new LakeLayout(new Path("/datalake/raw"))).committedFileStatuses(topic);
        java.util.Set<String> dirs = new java.util.TreeSet<>();
        for (org.apache.hadoop.fs.FileStatus file : files) {
            dirs.add(file.getPath().getParent().toUri().getPath().replace("/datalake/raw/" + topic + "/", ""));
            List<SensorReading> inFile = readReadings(file.getPath());
            long bytes = file.getLen();
            long lastLine = SensorReadingCodec.toJson(inFile.get(inFile.size() - 1)).length + 1;
            assertThat(bytes - lastLine).as("rotated once flush.bytes was reached").isLessThan(4000);
            long span = inFile.stream().mapToLong(SensorReading::eventTime).max().orElseThrow()
                    - inFile.stream().mapToLong(SensorReading::eventTime).min().orElseThrow();
            assertThat(span).as("rotated before the data spanned rotate.span").isLessThan(Duration.ofHours(1).toMillis());
            String site = inFile.get(0).site();
            assertThat(inFile).allSatisfy(r -> assertThat(r.site()).isEqualTo(site));
        }
        assertThat(dirs).containsExactlyInAnyOrder("site=porto/dt=2025-11-23", "site=porto/dt=2025-11-24",
                "site=S%C3%A3o%20Paulo/dt=2025-11-23", "site=S%C3%A3o%20Paulo/dt=2025-11-24");
        assertThat(io.datalakelab.sink.hive.HiveTableDdl.partitionDirs(fs, new LakeLayout(new Path("/datalake/raw")), topic))
                .as("the partitions Hive DDL adds").containsExactlyElementsOf(dirs);
        assertThat(audit(topic, "porto", 400).isExact()).isTrue();
        assertThat(audit(topic, "São Paulo", 400).isExact()).isTrue();
    }

    private static List<SensorReading> readReadings(Path file) throws Exception {
        List<SensorReading> out = new ArrayList<>();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.add(SensorReadingCodec.fromJson(line.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    @Test
    void aBatchInterruptedBetweenItsRenamesIsCompletedByRecoveryAndUncommittedFilesAreDiscarded() throws Exception {
        String topic = "interrupted";
        LakeLayout layout = new LakeLayout(new Path("/datalake/raw"));
        Path temporaryDir = layout.temporaryDir(topic, 0);
        CommittedFileName batch = new CommittedFileName(topic, 0, 100, 199, "jsonl");
        Path renamedTarget = layout.committedFile("site=a/dt=2025-11-23/hr=12", batch);
        Path pendingTarget = layout.committedFile("site=b/dt=2025-11-23/hr=12", batch);
        Path pendingTemporary = new Path(temporaryDir, "100.b.jsonl.tmp");
        Path uncommittedTemporary = new Path(temporaryDir, "200.c.jsonl.tmp");
        write(renamedTarget, "{\"n\":1}\n");          // renamed before the crash
        write(pendingTemporary, "{\"n\":2}\n");       // listed, not renamed yet
        write(uncommittedTemporary, "{\"n\":3}\n");   // the next batch, never committed
        write(new Path(temporaryDir, batch.format() + ".commit"),
                new Path(temporaryDir, "100.a.jsonl.tmp") + "\t" + renamedTarget + "\n" + pendingTemporary + "\t" + pendingTarget + "\n");

        OffsetRecovery recovery = new OffsetRecovery(fs, layout);
        int discarded = recovery.finishOrDiscardUnfinishedBatches(topic, 0);

        assertThat(fs.exists(pendingTarget)).as("the rename the crash interrupted is done").isTrue();
        assertThat(fs.exists(renamedTarget)).isTrue();
        assertThat(fs.listStatus(temporaryDir)).as("manifest and uncommitted file gone").isEmpty();
        assertThat(discarded).isEqualTo(1);
        assertThat(recovery.recoverNextOffsets(topic)).containsEntry(0, 200L);
    }

    private static void write(Path file, String text) throws Exception {
        try (var out = fs.create(file, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void timePartitionsThatTheWatermarkPassedAreMarkedCompleteAndLateRecordsStillLand() throws Exception {
        String topic = "hours";
        createTopic(topic, 1);
        long ten = 1_763_892_000_000L; // 2025-11-23T10:00Z
        long hour = Duration.ofHours(1).toMillis();
        sendAt(topic, "site-h", 1, ten + 5 * 60_000, ten + hour + 5 * 60_000, ten + 2 * hour + 5 * 60_000);
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = HealthServer.newRegistry();
        try (HdfsSink sink = new HdfsSink(config(topic, "g-hours", 1_000_000, Duration.ofSeconds(1), "allowed.lateness=0s"), registry)) {
            Thread worker = new Thread(sink);
            worker.start();
            Path base = new Path("/datalake/raw/" + topic + "/dt=2025-11-23");
            await("hours 10 and 11 marked complete", Duration.ofSeconds(60),
                    () -> fs.exists(new Path(base, "hr=10/_SUCCESS")) && fs.exists(new Path(base, "hr=11/_SUCCESS")));
            assertThat(fs.exists(new Path(base, "hr=12/_SUCCESS"))).as("the watermark has not passed 13:00").isFalse();

            // A reading from 10:30 arrives after hour 10 was marked: it still lands there, counted as late.
            sendAt(topic, "site-h", 4, ten + 30 * 60_000);
            Map<Integer, Long> end = endOffsets(topic);
            await("the late reading landed", Duration.ofSeconds(60), () -> landedUpTo(topic, end));
            sink.stop();
            worker.join(30_000);
        }
        assertThat(registry.get("sink.records.late").tag("topic", topic).counter().count()).isEqualTo(1.0);
        assertThat(audit(topic, "site-h", 4).isExact()).isTrue();
    }

    /** Sends readings of one device of {@code site} at the given event times, sequences from {@code firstSequence}. */
    private static void sendAt(String topic, String site, long firstSequence, long... eventTimes) throws Exception {
        try (KafkaProducer<String, byte[]> producer = TestReadings.producer(kafka.bootstrapServers())) {
            long sequence = firstSequence;
            for (long eventTime : eventTimes) {
                SensorReading reading = new SensorReading(site + "-sensor", "thermometer", site, eventTime, sequence++, Map.of("temperature", 21.0));
                producer.send(new ProducerRecord<>(topic, reading.deviceId(), SensorReadingCodec.toJson(reading))).get();
            }
        }
    }

    @Test
    void quietTopicLandsWithinTheRotationInterval() throws Exception {
        String topic = "quiet";
        createTopic(topic, 1);
        try (HdfsSink sink = new HdfsSink(config(topic, "g-quiet", 1_000_000, Duration.ofSeconds(1)), HealthServer.newRegistry())) {
            Thread worker = new Thread(sink);
            worker.start();
            TestReadings.send(kafka.bootstrapServers(), topic, "site-q", 1, 3, System.currentTimeMillis());
            // Three records never reach flush.records; only the wall-clock rotation can land them.
            await("wall-clock rotation", Duration.ofSeconds(30), () -> distinctLanded(topic, "site-q") == 3);
            sink.stop();
            worker.join(30_000);
        }
        assertThat(audit(topic, "site-q", 3).isExact()).isTrue();
    }

    @Test
    void badRecordsGoToTheDeadLetterQueueWithTheirReasonAndTheSinkGoesOn() throws Exception {
        String topic = "with-bad";
        createTopic(topic, 1);
        try (KafkaProducer<String, byte[]> producer = TestReadings.producer(kafka.bootstrapServers())) {
            producer.send(new ProducerRecord<>(topic, "deleted-key", (byte[]) null)).get(); // a tombstone: skipped, not dead-lettered
            producer.send(new ProducerRecord<>(topic, "x", "not json at all".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(topic, "y", "{\"deviceId\":\"y\"}".getBytes(StandardCharsets.UTF_8))).get();
        }
        TestReadings.send(kafka.bootstrapServers(), topic, "site-b", 2, 100, System.currentTimeMillis());

        try (HdfsSink sink = new HdfsSink(config(topic, "g-bad", 1_000_000, Duration.ofSeconds(1)), HealthServer.newRegistry())) {
            Thread worker = new Thread(sink);
            worker.start();
            await("valid records after the bad ones", Duration.ofSeconds(30), () -> distinctLanded(topic, "site-b") == 100);
            sink.stop();
            worker.join(30_000);
        }

        List<ConsumerRecord<byte[], byte[]>> dead = readAll(topic + ".dlq", 2, Duration.ofSeconds(30));
        assertThat(dead).hasSize(2);
        assertThat(header(dead.get(0), DeadLetterQueue.HEADER_OFFSET)).isEqualTo("1");
        assertThat(header(dead.get(0), DeadLetterQueue.HEADER_REASON)).contains("not JSON");
        assertThat(header(dead.get(1), DeadLetterQueue.HEADER_OFFSET)).isEqualTo("2");
        assertThat(header(dead.get(1), DeadLetterQueue.HEADER_REASON)).contains("eventTime");
        assertThat(header(dead.get(1), DeadLetterQueue.HEADER_TOPIC)).isEqualTo(topic);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not json at all");
    }

    @Test
    void parquetFilesLandExactlyOnceAndAnotherReaderReadsThemFromHdfs() throws Exception {
        String topic = "as-parquet";
        createTopic(topic, 1);
        TestReadings.send(kafka.bootstrapServers(), topic, "site-p1", 5, 1_500, System.currentTimeMillis());
        try (KafkaProducer<String, byte[]> producer = TestReadings.producer(kafka.bootstrapServers())) {
            String misfit = "{\"deviceId\":\"m\",\"deviceType\":\"t\",\"site\":\"site-p1\",\"eventTime\":" + System.currentTimeMillis()
                    + ",\"sequence\":1,\"values\":{\"temperature\":\"hot\"}}";
            producer.send(new ProducerRecord<>(topic, "m", misfit.getBytes(StandardCharsets.UTF_8))).get();
        }
        TestReadings.send(kafka.bootstrapServers(), topic, "site-p2", 5, 1_500, System.currentTimeMillis());

        runSinkUntilLanded(topic, "g-parquet", endOffsets(topic), "format=parquet", "format.compression=zstd", "flush.records=1000");

        assertThat(audit(topic, "site-p1", 1_500).isExact()).isTrue();
        assertThat(audit(topic, "site-p2", 1_500).isExact()).isTrue();
        List<CommittedFileName> files = new OffsetRecovery(fs, new LakeLayout(new Path("/datalake/raw"))).committedFiles(topic);
        assertThat(files).hasSizeGreaterThan(1).allSatisfy(f -> assertThat(f.extension()).isEqualTo("parquet"));

        // DuckDB (its own C++ Parquet reader) reads what parquet-avro wrote, copied out of HDFS.
        java.nio.file.Path local = java.nio.file.Files.createTempDirectory("parquet-from-hdfs");
        for (org.apache.hadoop.fs.FileStatus status : new OffsetRecovery(fs, new LakeLayout(new Path("/datalake/raw"))).committedFileStatuses(topic)) {
            fs.copyToLocalFile(status.getPath(), new Path(local.resolve(status.getPath().getName()).toString()));
        }
        String glob = local.resolve("*.parquet").toString();
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             java.sql.Statement sql = duck.createStatement();
             java.sql.ResultSet rows = sql.executeQuery("SELECT count(*), count(DISTINCT deviceId || '#' || sequence), "
                     + "(SELECT DISTINCT compression FROM parquet_metadata('" + glob + "')) FROM read_parquet('" + glob + "')")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(3_000);
            assertThat(rows.getLong(2)).isEqualTo(3_000);
            assertThat(rows.getString(3)).isEqualToIgnoringCase("ZSTD");
        }

        List<ConsumerRecord<byte[], byte[]>> dead = readAll(topic + ".dlq", 1, Duration.ofSeconds(30));
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), DeadLetterQueue.HEADER_OFFSET)).isEqualTo("1500");
        assertThat(header(dead.get(0), DeadLetterQueue.HEADER_REASON)).contains("'values.temperature'", "a number");
    }

    @Test
    void avroEncodedValuesLandInAvroFilesAndValuesOfNoKnownSchemaGoToTheDlq() throws Exception {
        String topic = "avro-values";
        createTopic(topic, 1);
        BinaryMessageEncoder<GenericRecord> encoder = new BinaryMessageEncoder<>(GenericData.get(), Schemas.sensorReading());
        TestReadings.send(kafka.bootstrapServers(), topic, "site-v", 3, 600, System.currentTimeMillis(), reading -> {
            try {
                return encoder.encode(SensorReadingCodec.toAvro(reading)).array();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (KafkaProducer<String, byte[]> producer = TestReadings.producer(kafka.bootstrapServers())) {
            producer.send(new ProducerRecord<>(topic, "j", "{\"a json\":\"value\"}".getBytes(StandardCharsets.UTF_8))).get();
        }
        TestReadings.send(kafka.bootstrapServers(), topic, "site-w", 3, 600, System.currentTimeMillis(), reading -> {
            try {
                return encoder.encode(SensorReadingCodec.toAvro(reading)).array();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        runSinkUntilLanded(topic, "g-avro", endOffsets(topic), "format=avro", "format.compression=gzip", "value.format=avro");

        assertThat(audit(topic, "site-v", 600).isExact()).isTrue();
        assertThat(audit(topic, "site-w", 600).isExact()).isTrue();
        long records = 0;
        for (org.apache.hadoop.fs.FileStatus status : new OffsetRecovery(fs, new LakeLayout(new Path("/datalake/raw"))).committedFileStatuses(topic)) {
            try (java.io.InputStream in = fs.open(status.getPath());
                 DataFileStream<GenericRecord> avro = new DataFileStream<>(in, new GenericDatumReader<>())) {
                assertThat(avro.getMetaString("avro.codec")).isEqualTo("deflate");
                assertThat(avro.getSchema()).isEqualTo(Schemas.sensorReading());
                for (GenericRecord ignored : avro) {
                    records++;
                }
            }
        }
        assertThat(records).isEqualTo(1_200);
        List<ConsumerRecord<byte[], byte[]>> dead = readAll(topic + ".dlq", 1, Duration.ofSeconds(30));
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), DeadLetterQueue.HEADER_OFFSET)).isEqualTo("600");
        assertThat(header(dead.get(0), DeadLetterQueue.HEADER_REASON)).contains("not Avro single-object encoded");
    }

    @Test
    void compactionMergesClosedPartitionsKeepsTheResumePointAndTheSinkReadsNothingAgain() throws Exception {
        String topic = "compact-me";
        createTopic(topic, 2);
        long justBeforeEleven = 1_763_895_599_000L; // 2025-11-23T10:59:59Z: the readings span hr=10 and hr=11
        TestReadings.send(kafka.bootstrapServers(), topic, "site-c", 6, 3_000, justBeforeEleven);
        runSinkUntilLanded(topic, "g-compact", endOffsets(topic), "flush.records=100", "allowed.lateness=0ms");

        LakeLayout layout = new LakeLayout(new Path("/datalake/raw"));
        OffsetRecovery recovery = new OffsetRecovery(fs, layout);
        Map<Integer, Long> resumeBefore = recovery.recoverNextOffsets(topic);
        Path hour10 = new Path("/datalake/raw/" + topic + "/dt=2025-11-23/hr=10");
        Path hour11 = new Path("/datalake/raw/" + topic + "/dt=2025-11-23/hr=11");
        assertThat(fs.exists(new Path(hour10, "_SUCCESS"))).as("the watermark passed hr=10").isTrue();
        assertThat(fs.exists(new Path(hour11, "_SUCCESS"))).as("hr=11 is still open").isFalse();
        int hour11Files = dataFiles(hour11);
        assertThat(dataFiles(hour10)).isGreaterThan(2);

        Compactor compactor = new Compactor(fs, layout, 64L * 1024 * 1024, 8L * 1024 * 1024);
        Compactor.Result closedOnly = compactor.compact(topic, dirs -> true, true);
        assertThat(closedOnly.directories()).isEqualTo(1);
        assertThat(dataFiles(hour10)).as("one file per Kafka partition").isEqualTo(2);
        assertThat(dataFiles(hour11)).as("an open partition is left alone").isEqualTo(hour11Files);
        Compactor.Result all = compactor.compact(topic, dirs -> true, false);
        assertThat(all.merges()).isEqualTo(2);
        assertThat(dataFiles(hour11)).isEqualTo(2);

        assertThat(recovery.recoverNextOffsets(topic)).as("the resume point is unchanged").isEqualTo(resumeBefore);
        AuditReport afterCompaction = audit(topic, "site-c", 3_000);
        assertThat(afterCompaction.records()).isEqualTo(3_000);
        assertThat(afterCompaction.isExact()).isTrue();

        TestReadings.send(kafka.bootstrapServers(), topic, "site-c2", 6, 1_000, justBeforeEleven + 10_000);
        runSinkUntilLanded(topic, "g-compact", endOffsets(topic), "flush.records=100");
        assertThat(audit(topic, "site-c", 3_000).isExact()).as("nothing read again after compaction").isTrue();
        assertThat(audit(topic, "site-c2", 1_000).isExact()).isTrue();
    }

    @Test
    void aMergeInterruptedAfterItsManifestIsFinishedByTheNextRunAndOrphansAreDeleted() throws Exception {
        String topic = "compact-crash";
        Path dir = new Path("/datalake/raw/" + topic + "/dt=2025-11-23/hr=10");
        List<Path> sources = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (int file = 0; file < 3; file++) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                int sequence = file * 10 + i + 1;
                lines.append(new String(SensorReadingCodec.toJson(new SensorReading("d-1", "thermometer", "site-x", 1_763_892_000_000L + sequence,
                        sequence, Map.of("temperature", 21.0))), StandardCharsets.UTF_8)).append('\n');
            }
            Path source = new Path(dir, topic + "+0+" + (file * 10) + "+" + (file * 10 + 9) + ".jsonl");
            write(source, lines.toString());
            sources.add(source);
            all.append(lines);
        }
        // The crash came after the merged file was renamed into place and the first source deleted.
        Path workDir = new Path("/datalake/raw/" + topic + "/_compaction");
        Path target = new Path(dir, topic + "+0+0+29.jsonl");
        write(target, all.toString());
        Path manifest = new Path(workDir, target.getName() + ".compact");
        write(manifest, "merged\t" + new Path(workDir, "gone.jsonl") + "\ntarget\t" + target + "\n"
                + sources.stream().map(p -> "source\t" + p + "\n").collect(java.util.stream.Collectors.joining()));
        fs.delete(sources.get(0), false);
        Path orphan = new Path(workDir, "orphan.jsonl");
        write(orphan, all.toString());

        Compactor.Result result = new Compactor(fs, new LakeLayout(new Path("/datalake/raw")), 1024 * 1024, 1024 * 1024)
                .compact(topic, dirs -> true, false);

        assertThat(result.pendingFinished()).isEqualTo(1);
        assertThat(sources).allSatisfy(source -> assertThat(fs.exists(source)).isFalse());
        assertThat(fs.exists(orphan)).isFalse();
        assertThat(fs.exists(manifest)).isFalse();
        assertThat(dataFiles(dir)).isEqualTo(1);
        AuditReport report = audit(topic, "site-x", 30);
        assertThat(report.records()).isEqualTo(30);
        assertThat(report.isExact()).isTrue();
    }

    private static int dataFiles(Path dir) throws Exception {
        int count = 0;
        for (org.apache.hadoop.fs.FileStatus status : fs.listStatus(dir)) {
            if (CommittedFileName.parse(status.getPath().getName()).isPresent()) {
                count++;
            }
        }
        return count;
    }

    @Test
    void transactionalTopicsLandWithoutAbortedRecordsAndFileRangesCoverTheCommitMarkers() throws Exception {
        String topic = "transactional";
        createTopic(topic, 2);
        Properties p = new Properties();
        p.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sink-test-tx");
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.initTransactions();
            long[] sequence = new long[3];
            for (int transaction = 0; transaction < 40; transaction++) {
                producer.beginTransaction();
                boolean abort = transaction % 10 == 9;
                for (int i = 0; i < 5; i++) {
                    int device = i % 3;
                    // An aborted transaction's readings reuse the sequence numbers of the next one: landing them would duplicate.
                    SensorReading reading = new SensorReading("tx-sensor-" + device, "thermometer", "site-tx", now + transaction,
                            abort ? sequence[device] + 1 : ++sequence[device], Map.of("temperature", 20.0));
                    producer.send(new ProducerRecord<>(topic, reading.deviceId(), SensorReadingCodec.toJson(reading)));
                }
                if (abort) {
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
        }
        // The end offsets sit after commit markers, which the consumer never returns; the file names must still reach them.
        runSinkUntilLanded(topic, "g-tx", endOffsets(topic), "rotate.interval=300ms");
        AuditReport report = audit(topic, "site-tx", 36 * 5);
        assertThat(report.records()).isEqualTo(36 * 5);
        assertThat(report.isExact()).isTrue();
        assertThat(report.offsetGaps()).as("markers and aborted records are inside the files' ranges").isZero();
    }

    @Test
    void sigkilledSinkResumesFromCommittedFileNamesWithNothingLostOrDuplicated() throws Exception {
        String topic = "crashes";
        createTopic(topic, 4);
        int total = 30_000;
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
            try {
                for (int batch = 0; batch < 6; batch++) {
                    TestReadings.send(kafka.bootstrapServers(), topic, "site-c-" + batch, 11, total / 6, System.currentTimeMillis());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        List<String> args = List.of(
                "--set", "bootstrap.servers=" + kafka.bootstrapServers(), "--set", "topics=" + topic,
                "--set", "group.id=g-crash", "--set", "hdfs.uri=" + hdfs.uri(), "--set", "hdfs.replication=1",
                "--set", "flush.records=1000", "--set", "rotate.interval=500ms", "--set", "health.port=-1",
                // Static membership: the restarted instance takes its partitions back at once instead of
                // waiting for the killed one's session to time out.
                "--set", "kafka.consumer.group.instance.id=crash-test-sink");
        int kills = 0;
        long landedBefore = 0;
        while (kills < 3) {
            Process sink = SinkProcess.start(args);
            long floor = landedBefore;
            // Kill only after this incarnation has landed something, so every kill interrupts real work.
            await("progress before kill " + (kills + 1), Duration.ofSeconds(90), () -> landedFiles(topic) > floor);
            sink.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            kills++;
            landedBefore = landedFiles(topic);
        }
        producing.get(3, TimeUnit.MINUTES);
        Process sink = SinkProcess.start(args);
        try {
            Map<Integer, Long> endOffsets = endOffsets(topic);
            await("every offset landed after " + kills + " SIGKILLs", Duration.ofSeconds(120), () -> landedUpTo(topic, endOffsets));
        } finally {
            sink.destroy();
            sink.waitFor(30, TimeUnit.SECONDS);
        }

        long records = 0;
        long duplicated = 0;
        long lost = 0;
        for (int batch = 0; batch < 6; batch++) {
            AuditReport report = audit(topic, "site-c-" + batch, total / 6);
            records += report.records();
            duplicated += report.duplicated();
            lost += report.lost();
            assertThat(report.offsetOverlaps()).isZero();
        }
        assertThat(kills).isEqualTo(3);
        assertThat(records).isEqualTo(total);
        assertThat(duplicated).isZero();
        assertThat(lost).isZero();
    }

    private static long landedFiles(String topic) {
        try {
            return new OffsetRecovery(fs, new LakeLayout(new Path("/datalake/raw"))).committedFiles(topic).size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<Integer, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            return TopicOffsets.latest(admin, topic);
        }
    }

    private static boolean landedUpTo(String topic, Map<Integer, Long> endOffsets) {
        try {
            return new OffsetRecovery(fs, new LakeLayout(new Path("/datalake/raw"))).hasLandedUpTo(topic, endOffsets);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
