package io.datalakelab.lab.chaos;

import io.datalakelab.lab.component.LabComponent;
import io.datalakelab.lab.process.ManagedProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntFunction;

/**
 * One failure a chaos run inflicts on a lab process, and how the lab brings it back: SIGKILL (a crash) or SIGTERM
 * (an operator's stop), then, once the outage is over, the component starts what is not running and waits until
 * it is ready.
 *
 * @param what      the failure in words, e.g. "SIGKILL kafka-2"; {@code %s} is replaced by the process's name
 * @param component the component that owns the process and restarts it
 * @param target    which of its processes the n-th fault hits (0-based), e.g. the brokers in turn
 * @param crash     SIGKILL when true, SIGTERM (and SIGKILL after 30 s) when false
 */
public record Fault(String what, LabComponent component, IntFunction<ManagedProcess> target, boolean crash) {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** Stops the process of the n-th fault; returns what was done, for the progress output. */
    String inject(int n) throws Exception {
        ManagedProcess process = target.apply(n);
        if (crash) {
            process.kill();
        } else {
            process.stop(STOP_GRACE);
        }
        return what.formatted(process.name());
    }

    /** Starts the stopped process again and waits until its component is ready. */
    void recover(Instant deadline) throws Exception {
        component.start();
        component.awaitReady(deadline);
    }
}
