package io.datalakelab.iot.speed;

import java.util.Map;
import java.util.TreeMap;

/**
 * The device windows of one site and window start, as far as they have arrived: the site's aggregate is their
 * merge. Kept per device so that a device window updated again (aggregates.emit=on_update) replaces its earlier
 * version instead of counting twice.
 */
public record SiteWindows(long windowStart, long windowEnd, Map<String, WindowStats> devices) {

    static SiteWindows empty(long windowStart, long windowEnd) {
        return new SiteWindows(windowStart, windowEnd, new TreeMap<>());
    }

    SiteWindows with(String deviceId, WindowStats stats) {
        Map<String, WindowStats> next = new TreeMap<>(devices);
        next.put(deviceId, stats);
        return new SiteWindows(windowStart, windowEnd, next);
    }

    WindowStats merged() {
        return devices.values().stream().reduce(WindowStats.empty(), WindowStats::merge);
    }
}
