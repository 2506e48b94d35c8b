package io.datalakelab.iot.fleet;

import io.datalakelab.core.schema.SensorReading;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fleet of simulated devices. Each device has a type, a site and its own sequence counter that starts at 1
 * and increases by one per reading, which is what lets a consumer prove nothing was lost or duplicated.
 */
public final class SensorFleet {

    private final String site;
    private final String[] deviceIds;
    private final String[] deviceTypes;
    private final long[] nextSequence;
    private final SplittableRandom random;
    private int nextDevice;

    public SensorFleet(String site, int devices, List<String> types, long seed) {
        this.site = site;
        this.deviceIds = new String[devices];
        this.deviceTypes = new String[devices];
        this.nextSequence = new long[devices];
        this.random = new SplittableRandom(seed);
        for (int i = 0; i < devices; i++) {
            deviceIds[i] = deviceId(site, i + 1);
            deviceTypes[i] = types.get(i % types.size());
            nextSequence[i] = 1;
        }
    }

    public static String deviceId(String site, int number) {
        return String.format("%s-sensor-%04d", site, number);
    }

    /** The next reading, round-robin over the devices, measured at {@code eventTime}. */
    public SensorReading nextReading(long eventTime) {
        int device = nextDevice;
        nextDevice = (nextDevice + 1) % deviceIds.length;
        return new SensorReading(deviceIds[device], deviceTypes[device], site, eventTime, nextSequence[device]++,
                measure(deviceTypes[device]));
    }

    public int size() {
        return deviceIds.length;
    }

    /** Readings handed out so far per device id: the highest sequence number each device has used. */
    public Map<String, Long> lastSequences() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < deviceIds.length; i++) {
            out.put(deviceIds[i], nextSequence[i] - 1);
        }
        return out;
    }

    private Map<String, Double> measure(String type) {
        Map<String, Double> values = new LinkedHashMap<>();
        switch (type) {
            case "thermometer" -> values.put("temperature", round(18 + random.nextDouble() * 12));
            case "hygrometer" -> {
                values.put("humidity", round(30 + random.nextDouble() * 50));
                values.put("temperature", round(18 + random.nextDouble() * 12));
            }
            case "air-quality" -> {
                values.put("pm25", round(random.nextDouble() * 60));
                values.put("co2", round(400 + random.nextDouble() * 1200));
            }
            default -> values.put("value", round(random.nextDouble() * 100));
        }
        return values;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
