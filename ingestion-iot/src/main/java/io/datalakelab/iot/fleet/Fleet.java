package io.datalakelab.iot.fleet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The devices of a {@link FleetSpec}. Each device gets its own random stream split from the seed in a fixed
 * order, so a device's readings depend on the seed and the fleet alone, whichever producer thread sends them.
 */
public final class Fleet {

    private final FleetSpec spec;
    private final List<SimulatedDevice> devices;

    /** @param totalDevices 0 for the counts of the fleet file; otherwise that many devices, types and sites taken in turn */
    public Fleet(FleetSpec spec, int totalDevices) {
        this.spec = spec;
        this.devices = build(spec, totalDevices);
    }

    public FleetSpec spec() {
        return spec;
    }

    public List<SimulatedDevice> devices() {
        return devices;
    }

    /** The devices producer {@code worker} of {@code workers} sends for: every workers-th device. */
    public List<SimulatedDevice> shareOf(int worker, int workers) {
        List<SimulatedDevice> share = new ArrayList<>();
        for (int i = worker; i < devices.size(); i += workers) {
            share.add(devices.get(i));
        }
        return share;
    }

    /** Readings per second the fleet sends on its natural schedule (each device once per interval). */
    public double naturalRatePerSecond() {
        return devices.stream().mapToDouble(d -> 1000.0 / d.intervalMs()).sum();
    }

    public static String deviceId(String site, String type, int number) {
        return String.format("%s-%s-%04d", site, type, number);
    }

    private static List<SimulatedDevice> build(FleetSpec spec, int totalDevices) {
        SplittableRandom root = new SplittableRandom(spec.seed());
        Map<String, Integer> numbers = new HashMap<>();
        List<SimulatedDevice> out = new ArrayList<>();
        if (totalDevices == 0) {
            for (SiteSpec site : spec.sites()) {
                for (DeviceTypeSpec type : spec.types()) {
                    for (int i = 0; i < type.countPerSite(); i++) {
                        out.add(device(spec, site, type, numbers, root));
                    }
                }
            }
        } else {
            int sites = spec.sites().size();
            for (int i = 0; i < totalDevices; i++) {
                out.add(device(spec, spec.sites().get(i % sites), spec.types().get((i / sites) % spec.types().size()), numbers, root));
            }
        }
        if (out.isEmpty()) {
            throw new InvalidFleetException("the fleet has no devices: every type has count 0");
        }
        return List.copyOf(out);
    }

    private static SimulatedDevice device(FleetSpec spec, SiteSpec site, DeviceTypeSpec type, Map<String, Integer> numbers,
                                          SplittableRandom root) {
        int number = numbers.merge(site.name() + "/" + type.name(), 1, Integer::sum);
        return new SimulatedDevice(deviceId(site.name(), type.name(), number), type, site, spec.faults(), root.split());
    }
}
