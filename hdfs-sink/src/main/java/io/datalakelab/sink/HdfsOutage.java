package io.datalakelab.sink;

import java.time.Duration;
import java.time.Instant;

/** Whether HDFS is failing the sink, since when and why, and how long to wait before the next try (doubling, capped). */
final class HdfsOutage {

    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private Instant since;
    private String cause;
    private Duration backoff;

    HdfsOutage(Duration firstBackoff, Duration maxBackoff) {
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
    }

    boolean isActive() {
        return since != null;
    }

    /** Starts the outage, or records another failed try of an ongoing one (which doubles the backoff). */
    void begin(Exception failure) {
        if (since == null) {
            since = Instant.now();
            backoff = firstBackoff;
        } else {
            Duration doubled = backoff.multipliedBy(2);
            backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        cause = firstLine(failure) + (root == failure ? "" : " (caused by " + root.getClass().getSimpleName() + ": " + firstLine(root) + ")");
    }

    private static String firstLine(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().lines().findFirst().orElse("");
    }

    void end() {
        since = null;
        cause = null;
        backoff = null;
    }

    Duration backoff() {
        return backoff;
    }

    String cause() {
        return cause;
    }

    Duration duration() {
        return since == null ? Duration.ZERO : Duration.between(since, Instant.now());
    }
}
