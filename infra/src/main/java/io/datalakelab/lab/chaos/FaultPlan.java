package io.datalakelab.lab.chaos;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How often a flow is hit by a {@link Fault}, how long each outage lasts, and what was seen: the flow under test
 * calls {@link #injectOnce} whenever it has made progress since the last fault, until {@link #wantsMore()} is false.
 * Each fault's recovery time is measured from the restart to the flow's next progress.
 */
public final class FaultPlan {

    /** What the flow under test reports as its progress (files landed, a stored position); compared with equals. */
    public interface Progress {
        Object now() throws Exception;
    }

    /** A check polled while a fault holds, e.g. "the sink reports unhealthy". */
    public interface Check {
        boolean holds() throws Exception;
    }

    private final Fault fault;
    private final int count;
    private final Duration outage;
    private final String observed;
    private final Check observation;
    private final PrintStream progress;
    private final List<Duration> recoveries = new ArrayList<>();
    private int injected;
    private boolean observationHeld;

    private FaultPlan(Fault fault, int count, Duration outage, String observed, Check observation, PrintStream progress) {
        this.fault = fault;
        this.count = count;
        this.outage = outage;
        this.observed = observed;
        this.observation = observation;
        this.progress = progress;
    }

    /** {@code count} faults, each held for {@code outage} before the process is started again. */
    public static FaultPlan of(Fault fault, int count, Duration outage, PrintStream progress) {
        return new FaultPlan(fault, count, outage, null, null, progress);
    }

    /** No faults: the flow runs undisturbed. */
    public static FaultPlan none() {
        return new FaultPlan(null, 0, Duration.ZERO, null, null, System.err);
    }

    /** Also polls {@code observation} while each fault holds, and reports whether it ever held ({@code observed} names it). */
    public FaultPlan watching(String observed, Check observation) {
        return new FaultPlan(fault, count, outage, observed, observation, progress);
    }

    public boolean wantsMore() {
        return injected < count;
    }

    public int injected() {
        return injected;
    }

    public List<Duration> recoveries() {
        return List.copyOf(recoveries);
    }

    /** The observation's name and whether it held during some outage; null when nothing was watched. */
    public String observation() {
        return observed == null ? null : observed + ": " + (observationHeld ? "yes" : "no");
    }

    public boolean observationHeld() {
        return observed == null || observationHeld;
    }

    /**
     * Injects the next fault, holds the outage (polling the observation), recovers, then waits until {@code flow}
     * moves again or {@code finished} holds (nothing was left to move).
     */
    public void injectOnce(Instant deadline, Progress flow, Check finished) throws Exception {
        String what = fault.inject(injected);
        injected++;
        progress.printf("  fault %d/%d: %s%s%n", injected, count, what, outage.isZero() ? "" : ", down for " + outage.toSeconds() + " s");
        Instant until = Instant.now().plus(outage);
        do {
            if (observation != null && !observationHeld && observation.holds()) {
                observationHeld = true;
            }
            // The outage itself: a length of time the scenario asks for, not a wait for a condition.
            Thread.sleep(Math.max(0, Math.min(500, Duration.between(Instant.now(), until).toMillis())));
        } while (Instant.now().isBefore(until));
        long restarted = System.nanoTime();
        fault.recover(deadline);
        Object mark = flow.now();
        while (mark.equals(flow.now()) && !finished.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new io.datalakelab.core.cli.JobFailedException("the flow did not move again within the run's time after: " + what);
            }
            Thread.sleep(100);
        }
        Duration recovery = Duration.ofNanos(System.nanoTime() - restarted);
        recoveries.add(recovery);
        progress.printf("  recovered: the flow moved again %.1f s after the restart%n", recovery.toMillis() / 1000.0);
    }
}
