package io.datalakelab.iot.fleet;

/**
 * What one simulator run did. {@code readings} counts every reading measured and sent (each uses one sequence
 * number; {@code lateReadings} of them were replayed after an offline period); {@code malformed} records are extra
 * and use none. Latencies are from send to acknowledgement.
 */
public record SimulationReport(String topic, String encoding, int producers, int devices, long readings, long lateReadings,
                               long malformed, long acknowledged, long malformedAcknowledged, long failed,
                               long firstSendEpochMs, long lastAckEpochMs, Latency latencyMs, String firstError) {

    public record Latency(double p50, double p95, double p99, double max) {
    }

    public long durationMs() {
        return Math.max(0, lastAckEpochMs - firstSendEpochMs);
    }

    public double recordsPerSecond() {
        return durationMs() == 0 ? acknowledged : acknowledged * 1000.0 / durationMs();
    }

    public String toText() {
        return String.format("sensor-simulator: %,d readings sent (%,d late replays) + %,d malformed to %s (%s), %d producers, %d devices%n"
                        + "  acknowledged %,d readings + %,d malformed, failed %,d, %.1f s, %,.0f readings/s%n"
                        + "  produce latency ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n",
                readings, lateReadings, malformed, topic, encoding, producers, devices, acknowledged, malformedAcknowledged, failed,
                durationMs() / 1000.0, recordsPerSecond(), latencyMs.p50(), latencyMs.p95(), latencyMs.p99(), latencyMs.max())
                + (firstError == null ? "" : "  first error: " + firstError + System.lineSeparator());
    }
}
