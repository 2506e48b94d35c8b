package io.datalakelab.iot.fleet;

import java.util.List;
import java.util.PriorityQueue;

/**
 * The fleet's natural schedule: each device reports once per interval of its type, starting at a random point
 * of its first interval. {@link #next()} hands out devices in the order of their due times (ties by position),
 * so the order is as deterministic as the devices themselves.
 */
public final class FleetSchedule {

    /** A device due to report at {@code dueMs}. */
    public record Slot(SimulatedDevice device, long dueMs) {
    }

    private record Entry(long dueMs, int position) {
    }

    private final List<SimulatedDevice> devices;
    private final PriorityQueue<Entry> queue;

    public FleetSchedule(List<SimulatedDevice> devices, long startMs) {
        this.devices = List.copyOf(devices);
        this.queue = new PriorityQueue<>(Math.max(1, devices.size()),
                (a, b) -> a.dueMs != b.dueMs ? Long.compare(a.dueMs, b.dueMs) : Integer.compare(a.position, b.position));
        for (int i = 0; i < devices.size(); i++) {
            queue.add(new Entry(startMs + devices.get(i).firstDueOffsetMs(), i));
        }
    }

    public Slot next() {
        Entry e = queue.poll();
        SimulatedDevice device = devices.get(e.position);
        queue.add(new Entry(e.dueMs + device.intervalMs(), e.position));
        return new Slot(device, e.dueMs);
    }

    public List<SimulatedDevice> devices() {
        return devices;
    }
}
