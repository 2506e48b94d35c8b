package io.datalakelab.lab.demo;

import io.datalakelab.core.topic.Topics;
import io.datalakelab.iot.fleet.FleetRunReport;
import io.datalakelab.iot.fleet.SensorFleetConfig;
import io.datalakelab.iot.fleet.SensorFleetProducer;
import io.datalakelab.lab.Lab;
import io.datalakelab.lab.component.SinkComponent;
import io.datalakelab.sink.audit.AuditReport;
import io.datalakelab.sink.audit.LandingAudit;
import io.datalakelab.sink.commit.OffsetRecovery;
import io.datalakelab.sink.layout.EventTimePartitioner;
import io.datalakelab.sink.layout.LakeLayout;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The thin end-to-end flow: a fleet of a fresh site sends readings, the sink lands them, and the audit proves
 * from HDFS alone that every reading is there exactly once. Optionally SIGKILLs the sink mid-flow.
 */
public final class LabDemo {

    private static final String ROOT = "/datalake/raw";

    private final Lab lab;
    private final PrintStream progress;

    public LabDemo(Lab lab, PrintStream progress) {
        this.lab = lab;
        this.progress = progress;
    }

    public DemoReport run(long records, int devices, double ratePerSecond, int sinkKills, Duration timeout) throws Exception {
        SinkComponent sink = lab.sink();
        Instant deadline = Instant.now().plus(timeout);
        sink.start();
        sink.awaitReady(deadline);
        progress.println("  hdfs-sink running (" + sink.endpoint() + ")");

        String site = "demo-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        String fromPartition = new EventTimePartitioner(ZoneOffset.UTC).partitionOf(System.currentTimeMillis());
        SensorFleetConfig fleetConfig = SensorFleetConfig.from(SensorFleetConfig.SPEC.load(null, Map.of(), List.of(
                "bootstrap.servers=" + lab.config().bootstrapServers(),
                "records=" + records, "devices=" + devices, "site=" + site, "rate=" + ratePerSecond)));
        progress.printf("  producing %,d readings of %d devices at site %s%n", records, devices, site);
        CompletableFuture<FleetRunReport> producing = CompletableFuture.supplyAsync(() -> {
            try {
                return new SensorFleetProducer(fleetConfig).run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });

        try (FileSystem fs = lab.hdfs().client()) {
            OffsetRecovery recovery = new OffsetRecovery(fs, new LakeLayout(new Path(ROOT)));
            int kills = 0;
            Map<Integer, Long> endOffsets = null;
            while (kills < sinkKills) {
                int filesBefore = recovery.committedFiles(Topics.SENSOR_READINGS).size();
                awaitCondition(deadline, () -> recovery.committedFiles(Topics.SENSOR_READINGS).size() > filesBefore
                        || (producing.isDone() && landedUpTo(recovery, endOffsets(Topics.SENSOR_READINGS))));
                if (recovery.committedFiles(Topics.SENSOR_READINGS).size() <= filesBefore) {
                    break; // everything landed: nothing left to interrupt
                }
                sink.process().kill();
                kills++;
                progress.println("  SIGKILLed hdfs-sink mid-flow (" + kills + "/" + sinkKills + "); restarting it");
                sink.start();
                sink.awaitReady(deadline);
            }
            FleetRunReport fleet = producing.get();
            progress.printf("  produced %,d readings in %.1f s%n", fleet.acknowledged(), fleet.durationMs() / 1000.0);

            endOffsets = endOffsets(Topics.SENSOR_READINGS);
            Map<Integer, Long> target = endOffsets;
            awaitCondition(deadline, () -> landedUpTo(recovery, target));
            long verifiedAt = System.currentTimeMillis();
            AuditReport audit = new LandingAudit(fs, new LakeLayout(new Path(ROOT)))
                    .audit(Topics.SENSOR_READINGS, site, fromPartition, OptionalLong.of(fleet.acknowledged()));
            return new DemoReport(fleet, audit, kills, Math.max(0, audit.lastFileModifiedMs() - fleet.firstSendEpochMs()),
                    verifiedAt - fleet.firstSendEpochMs());
        }
    }

    private Map<Integer, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = lab.kafka().admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        }
    }

    private static boolean landedUpTo(OffsetRecovery recovery, Map<Integer, Long> endOffsets) throws Exception {
        Map<Integer, Long> next = recovery.recoverNextOffsets(Topics.SENSOR_READINGS);
        return endOffsets.entrySet().stream().allMatch(e -> e.getValue() == 0 || next.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitCondition(Instant deadline, Condition condition) throws Exception {
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the demo did not finish before its deadline; see `./lab logs hdfs-sink`");
            }
            Thread.sleep(250);
        }
    }
}
