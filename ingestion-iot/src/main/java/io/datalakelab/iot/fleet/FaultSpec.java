package io.datalakelab.iot.fleet;

import java.time.Duration;

/**
 * The faults a real fleet has, each with its rate: a probability per reading of a device (or, for clock skew, the
 * share of devices whose clock is off). Spikes, stuck values and drift change the values; an offline device sends
 * nothing for a while and, with {@code offlineReplay}, then sends what it measured meanwhile, late and out of
 * order; malformed records (opt-in) exercise the consumers' dead-letter queues and use no sequence number.
 *
 * @param spikeSize       how far a spike jumps, in widths of the measurement's normal range
 * @param driftPerReading how far a drifting sensor moves per reading, in widths of the normal range
 */
public record FaultSpec(double spikeRate, double spikeSize, double stuckRate, Range stuckReadings, double driftRate,
                        double driftPerReading, Range driftReadings, double offlineRate, Range offlineReadings,
                        boolean offlineReplay, double skewedDevices, Duration maxSkew, double malformedRate) {

    public static final FaultSpec NONE = new FaultSpec(0, 0, 0, Range.of(0), 0, 0, Range.of(0), 0, Range.of(0), false, 0,
            Duration.ZERO, 0);

    public FaultSpec withMalformedRate(double rate) {
        return new FaultSpec(spikeRate, spikeSize, stuckRate, stuckReadings, driftRate, driftPerReading, driftReadings,
                offlineRate, offlineReadings, offlineReplay, skewedDevices, maxSkew, rate);
    }

    /** The same faults without the value and timing faults: only the malformed records stay, if asked for. */
    public FaultSpec onlyMalformed() {
        return NONE.withMalformedRate(malformedRate);
    }
}
