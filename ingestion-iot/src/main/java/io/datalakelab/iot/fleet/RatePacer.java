package io.datalakelab.iot.fleet;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Decides when a producer thread may send its next reading. Natural: when the fleet's schedule says, in real time.
 * Fixed: at the target rate (times the burst factor during bursts), catching up at most one second after a stall
 * so a slow cluster does not turn into an endless burst. Max: at once.
 */
final class RatePacer {

    private static final long MAX_CATCH_UP_NANOS = 1_000_000_000L;
    private static final long SPIN_BELOW_NANOS = 100_000L;

    private final SendRate rate;
    private final double burstFactor;
    private final long burstEveryNanos;
    private final long burstLengthNanos;
    private final long startNanos;
    private final long scheduleStartMs;
    private long nextNanos;

    RatePacer(SendRate rate, double burstFactor, Duration burstEvery, Duration burstLength, long scheduleStartMs) {
        this.rate = rate;
        this.burstFactor = burstFactor;
        this.burstEveryNanos = burstEvery.toNanos();
        this.burstLengthNanos = burstLength.toNanos();
        this.startNanos = System.nanoTime();
        this.scheduleStartMs = scheduleStartMs;
        this.nextNanos = startNanos;
    }

    /** Blocks until the reading due at {@code scheduleDueMs} on the fleet's schedule may be sent. */
    void awaitTurn(long scheduleDueMs) {
        switch (rate.mode()) {
            case MAX -> { }
            case NATURAL -> parkUntil(startNanos + (scheduleDueMs - scheduleStartMs) * 1_000_000L);
            case FIXED -> {
                long now = System.nanoTime();
                nextNanos = Math.max(nextNanos, now - MAX_CATCH_UP_NANOS);
                parkUntil(nextNanos);
                nextNanos += (long) (1e9 / currentRate(nextNanos));
            }
        }
    }

    double currentRate(long atNanos) {
        boolean inBurst = burstFactor > 1 && (atNanos - startNanos) % burstEveryNanos < burstLengthNanos;
        return inBurst ? rate.perSecond() * burstFactor : rate.perSecond();
    }

    private static void parkUntil(long deadlineNanos) {
        long wait;
        while ((wait = deadlineNanos - System.nanoTime()) > SPIN_BELOW_NANOS) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
