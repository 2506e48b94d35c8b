package io.datalakelab.lab.chaos;

import io.datalakelab.lab.Lab;
import io.datalakelab.lab.demo.ChangeCaptureDemo;
import io.datalakelab.lab.demo.DemoReport;
import io.datalakelab.lab.demo.LabDemo;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link ChaosScenario} on a running lab: its workload, with the scenario's faults injected each time the
 * flow has moved on, then the workload's own check (the demo's audit of sensor readings in HDFS, or the replay of
 * change events in HDFS against the tables).
 */
public final class ChaosRun {

    private static final int DEVICES = 50;

    private final Lab lab;
    private final PrintStream progress;

    public ChaosRun(Lab lab, PrintStream progress) {
        this.lab = lab;
        this.progress = progress;
    }

    public ChaosReport run(ChaosScenario scenario, ChaosScenario.Size size, Duration timeout) throws Exception {
        progress.printf("chaos %s: %s; %d faults%s%n", scenario.cliName(), scenario.description(), size.faults(),
                size.outage().isZero() ? "" : ", " + size.outage().toSeconds() + " s each");
        FaultPlan plan = scenario.plan(lab, size.faults(), size.outage(), progress);
        List<String> problems = new ArrayList<>();
        if (scenario.workload() == ChaosScenario.Workload.SENSOR_READINGS) {
            DemoReport demo = new LabDemo(lab, progress).run(size.work(), DEVICES, size.rate(), plan, timeout, 0);
            problems.addAll(demo.problems().stream().filter(p -> !p.contains(" lost, ") && !p.endsWith(" duplicated")).toList());
            return withObservation(new ChaosReport(scenario, demo.audit().records(), plan.injected(), demo.audit().lost() + demo.audit().missing(),
                    demo.audit().duplicated() + demo.audit().offsetOverlaps(), plan.recoveries(), plan.observation(), problems), plan);
        }
        int orders = (int) size.work();
        ChangeCaptureDemo.Report changes = new ChangeCaptureDemo(lab, progress)
                .run(Math.max(1, orders / 10), orders, Instant.now().plus(timeout), plan, size.rate());
        long extra = changes.mismatches().stream().filter(m -> m.endsWith("in HDFS, not in the table")).count();
        long landed = changes.eventsLanded().values().stream().mapToLong(Long::longValue).sum();
        return withObservation(new ChaosReport(scenario, landed, plan.injected(), changes.mismatches().size() - extra, extra, plan.recoveries(),
                plan.observation(), problems), plan);
    }

    /** A scenario that watches for something during its outages (the sink reporting unhealthy) fails when it was not seen. */
    private static ChaosReport withObservation(ChaosReport report, FaultPlan plan) {
        if (plan.observationHeld()) {
            return report;
        }
        List<String> problems = new ArrayList<>(report.problems());
        problems.add("not seen: " + plan.observation());
        return new ChaosReport(report.scenario(), report.records(), report.faults(), report.lost(), report.duplicated(), report.recoveries(),
                report.observation(), List.copyOf(problems));
    }
}
