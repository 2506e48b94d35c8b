package io.datalakelab.iot.speed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record of {@code iot.aggregates.<level>-<window>} (JSON, key = device id or site): one window of one device or
 * site, with count, min, max and mean per measurement. For a device, {@code minSequence}/{@code maxSequence}
 * show whether the window is complete; for a site they are left out.
 */
public record WindowAggregate(String level, String key, long windowStart, long windowEnd, long readings, Long minSequence,
                              Long maxSequence, Map<String, Summary> measurements) {

    public record Summary(long count, double min, double max, double mean) {
    }

    static WindowAggregate of(String level, String key, long windowStart, long windowEnd, WindowStats stats) {
        Map<String, Summary> out = new LinkedHashMap<>();
        stats.measurements().forEach((name, m) -> out.put(name, new Summary(m.count(), m.min(), m.max(), Math.round(m.mean() * 1e6) / 1e6)));
        boolean device = level.equals("device");
        return new WindowAggregate(level, key, windowStart, windowEnd, stats.readings(), device ? stats.minSequence() : null,
                device ? stats.maxSequence() : null, out);
    }
}
