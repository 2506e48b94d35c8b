package io.datalakelab.lab.demo;

import io.datalakelab.core.cli.JobFailedException;
import java.time.Instant;

/** How the demo's flows wait for the lab: poll a condition until it holds or the run's deadline passes. */
final class DemoWait {

    /** A check against the lab (HDFS, Kafka, the database); it may fail with an exception. */
    interface Condition {
        boolean holds() throws Exception;
    }

    private DemoWait() {
    }

    /** Polls every 250 ms; past {@code deadline}, fails with a message naming {@code what} and where to look. */
    static void until(Instant deadline, String what, String logs, Condition condition) throws Exception {
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new JobFailedException("the demo timed out waiting for " + what + "; see " + logs);
            }
            Thread.sleep(250);
        }
    }
}
