package io.datalakelab.bench;

import io.datalakelab.core.cli.JobFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** What every benchmark here needs: waiting on the lab with a deadline, percentiles, progress on stderr. */
final class Measurements {

    private Measurements() {
    }

    /** Polls {@code condition} every {@code period} until it holds; fails naming {@code what} after {@code timeout}. */
    static void awaitTrue(String what, Duration timeout, Duration period, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new JobFailedException("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(period.toMillis());
        }
    }

    /** The nearest-rank percentile {@code p} (0..1] of {@code values}; NaN when there are none. */
    static double percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }

    /** A progress line on stderr, so stdout holds only the report. */
    static void progress(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }
}
