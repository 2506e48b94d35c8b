package io.datalakelab.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls for an outcome until a deadline: how tests wait for real components, never with a blind sleep. */
public final class Await {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds; throws {@link AssertionError} naming {@code what} (and the
     * condition's last exception, if any) when {@code timeout} passes first.
     */
    public static void until(String what, Duration timeout, Callable<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("timed out after " + timeout + " waiting for " + what);
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }
}
