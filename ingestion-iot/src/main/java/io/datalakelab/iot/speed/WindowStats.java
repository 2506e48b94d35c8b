package io.datalakelab.iot.speed;

import io.datalakelab.core.schema.SensorReading;
import java.util.Map;
import java.util.TreeMap;

/**
 * The running aggregate of one window of one device or site: how many readings, per measurement count, min, max
 * and sum (the mean is sum / count), and the span of sequence numbers seen, which for one device shows at a glance
 * whether the window is complete ({@code readings == maxSequence - minSequence + 1}).
 */
public record WindowStats(String site, long readings, long minSequence, long maxSequence, Map<String, MeasurementStats> measurements) {

    public record MeasurementStats(long count, double min, double max, double sum) {

        MeasurementStats add(double v) {
            return new MeasurementStats(count + 1, Math.min(min, v), Math.max(max, v), sum + v);
        }

        MeasurementStats merge(MeasurementStats o) {
            return new MeasurementStats(count + o.count, Math.min(min, o.min), Math.max(max, o.max), sum + o.sum);
        }

        public double mean() {
            return count == 0 ? 0 : sum / count;
        }
    }

    public static WindowStats empty() {
        return new WindowStats(null, 0, Long.MAX_VALUE, Long.MIN_VALUE, new TreeMap<>());
    }

    /** This aggregate with one more reading. */
    public WindowStats add(SensorReading reading) {
        Map<String, MeasurementStats> next = new TreeMap<>(measurements);
        reading.values().forEach((name, v) -> next.merge(name, new MeasurementStats(1, v, v, v), (a, b) -> a.add(v)));
        return new WindowStats(reading.site(), readings + 1, Math.min(minSequence, reading.sequence()),
                Math.max(maxSequence, reading.sequence()), next);
    }

    /** The aggregate of both windows' readings (of several devices: the sequence span then means nothing). */
    public WindowStats merge(WindowStats other) {
        Map<String, MeasurementStats> next = new TreeMap<>(measurements);
        other.measurements.forEach((name, m) -> next.merge(name, m, MeasurementStats::merge));
        return new WindowStats(site != null ? site : other.site, readings + other.readings, Math.min(minSequence, other.minSequence),
                Math.max(maxSequence, other.maxSequence), next);
    }
}
