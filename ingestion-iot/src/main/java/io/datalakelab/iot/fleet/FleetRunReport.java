package io.datalakelab.iot.fleet;

/**
 * What one run of the fleet did: how many readings the cluster acknowledged, how many failed, and when the
 * first was sent and the last acknowledged. Printed as JSON on stdout.
 */
public record FleetRunReport(String topic, String site, int devices, long sent, long acknowledged, long failed,
                             long firstSendEpochMs, long lastAckEpochMs, String firstError) {

    public long durationMs() {
        return Math.max(0, lastAckEpochMs - firstSendEpochMs);
    }

    public double recordsPerSecond() {
        return durationMs() == 0 ? acknowledged : acknowledged * 1000.0 / durationMs();
    }
}
