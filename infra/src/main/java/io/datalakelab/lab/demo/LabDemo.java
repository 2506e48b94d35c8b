package io.datalakelab.lab.demo;

import io.datalakelab.core.topic.TopicOffsets;
import io.datalakelab.core.topic.Topics;
import io.datalakelab.iot.fleet.SensorSimulator;
import io.datalakelab.iot.fleet.SimulationReport;
import io.datalakelab.iot.fleet.SimulatorConfig;
import io.datalakelab.lab.Lab;
import io.datalakelab.lab.chaos.FaultPlan;
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
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;

/**
 * The end-to-end flows: a fleet of a fresh site sends readings, the sink lands them, and the audit proves from
 * HDFS alone that every reading is there exactly once (optionally SIGKILLing the sink mid-flow); then, with a
 * database, the MySQL → Kafka → HDFS flow of {@link ChangeCaptureDemo}.
 */
public final class LabDemo {

    private static final String ROOT = "/datalake/raw";

    private final Lab lab;
    private final PrintStream progress;

    public LabDemo(Lab lab, PrintStream progress) {
        this.lab = lab;
        this.progress = progress;
    }

    /**
     * @param faults what is done to the lab each time the sink has landed new files (a chaos run's faults; none for a
     *               plain demo)
     * @param orders orders of the MySQL → Kafka → HDFS part (with a tenth as many customers); 0 leaves that part out
     */
    public DemoReport run(long records, int devices, double ratePerSecond, FaultPlan faults, Duration timeout, int orders) throws Exception {
        SinkComponent sink = lab.sink();
        Instant deadline = Instant.now().plus(timeout);
        sink.start();
        sink.awaitReady(deadline);
        progress.println("  hdfs-sink running (" + sink.endpoint() + ")");

        String site = "demo-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        // The fleet's faults are on: skewed clocks stamp readings up to the fleet's maximum skew before now.
        SimulatorConfig fleetConfig = SimulatorConfig.from(SimulatorConfig.SPEC.load(null, Map.of(), List.of(
                "bootstrap.servers=" + lab.config().bootstrapServers(), "progress.interval=0s",
                "records=" + records, "devices=" + devices, "sites=" + site, "rate=" + (ratePerSecond > 0 ? ratePerSecond : "max"))));
        String fromPartition = new EventTimePartitioner(ZoneOffset.UTC)
                .partitionOf(System.currentTimeMillis() - fleetConfig.fleet().faults().maxSkew().toMillis());
        progress.printf("  producing %,d readings of %d devices at site %s (with the fleet's faults: spikes, stuck sensors, drift, "
                + "offline devices replaying late, skewed clocks)%n", records, devices, site);
        CompletableFuture<SimulationReport> producing = CompletableFuture.supplyAsync(() -> {
            try {
                return new SensorSimulator(fleetConfig, null).run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });

        try (FileSystem fs = lab.hdfs().client()) {
            OffsetRecovery recovery = new OffsetRecovery(fs, new LakeLayout(new Path(ROOT)));
            FaultPlan.Progress landed = () -> recovery.committedFiles(Topics.SENSOR_READINGS).size();
            FaultPlan.Check finished = () -> producing.isDone() && recovery.hasLandedUpTo(Topics.SENSOR_READINGS, endOffsets());
            while (faults.wantsMore()) {
                Object before = landed.now();
                DemoWait.until(deadline, "the sink to land new files", "`./lab logs hdfs-sink`", () -> !before.equals(landed.now()) || finished.holds());
                if (before.equals(landed.now())) {
                    break; // everything landed: nothing left to interrupt
                }
                faults.injectOnce(deadline, landed, finished);
            }
            SimulationReport fleet = producing.get();
            progress.printf("  produced %,d readings in %.1f s%n", fleet.acknowledged(), fleet.durationMs() / 1000.0);

            Map<Integer, Long> target = endOffsets();
            DemoWait.until(deadline, "every reading to land", "`./lab logs hdfs-sink`", () -> recovery.hasLandedUpTo(Topics.SENSOR_READINGS, target));
            long verifiedAt = System.currentTimeMillis();
            AuditReport audit = new LandingAudit(fs, new LakeLayout(new Path(ROOT)))
                    .audit(Topics.SENSOR_READINGS, site, fromPartition, OptionalLong.of(fleet.acknowledged()));
            ChangeCaptureDemo.Report changes = null;
            if (orders > 0 && lab.config().database() != io.datalakelab.lab.LabConfig.Database.NONE) {
                progress.printf("  MySQL -> Kafka -> HDFS: %,d orders of %,d customers, with updates and deletes%n", orders, Math.max(1, orders / 10));
                changes = new ChangeCaptureDemo(lab, progress).run(Math.max(1, orders / 10), orders, deadline, FaultPlan.none(), 0);
            }
            DemoReport report = new DemoReport(site, fleet, audit, faults.injected(), Math.max(0, audit.lastFileModifiedMs() - fleet.firstSendEpochMs()),
                    verifiedAt - fleet.firstSendEpochMs(), changes);
            report.save(lab.state().demoReportFile(), System.currentTimeMillis());
            return report;
        }
    }

    private Map<Integer, Long> endOffsets() throws InterruptedException {
        try (Admin admin = lab.kafka().admin()) {
            return TopicOffsets.latest(admin, Topics.SENSOR_READINGS);
        }
    }
}
