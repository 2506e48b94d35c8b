package io.datalakelab.iot.speed;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the alert rules remember about one device between readings, kept in a Kafka Streams state store (so it is
 * restored from its changelog after a restart, exactly once with the alerts it led to).
 *
 * @param active   ids of the rules whose condition the device is in (for onset alerts)
 * @param averages per measurement: readings seen, running mean and variance (for anomaly rules)
 * @param repeats  per measurement: the last value and how many readings in a row had it (for stuck rules)
 */
public record DeviceAlertState(Set<String> active, Map<String, RunningStats> averages, Map<String, Repeat> repeats) {

    public record RunningStats(long count, double mean, double variance) {
    }

    public record Repeat(double value, int times) {
    }

    public static DeviceAlertState empty() {
        return new DeviceAlertState(new HashSet<>(), new HashMap<>(), new HashMap<>());
    }

    /** A copy that the rules may change: the store's values are treated as immutable. */
    public DeviceAlertState mutableCopy() {
        return new DeviceAlertState(new HashSet<>(active), new HashMap<>(averages), new HashMap<>(repeats));
    }
}
