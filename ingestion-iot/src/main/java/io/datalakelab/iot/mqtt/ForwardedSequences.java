package io.datalakelab.iot.mqtt;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which readings of each device the bridge has forwarded to Kafka in this process, so that an MQTT redelivery is
 * dropped instead of written twice. Per device it keeps the highest sequence number forwarded without a gap, the
 * numbers forwarded above it (readings replayed late arrive out of order) up to a window, and the latest event time.
 *
 * <p>Memory stays bounded: when a device has more than {@code window} numbers above its gap (a reading lost upstream
 * never fills it), the lowest is forgotten, so a redelivery of that one would be forwarded again: a duplicate the
 * sink's audit sees by its sequence number, never a loss.
 *
 * <p>A device whose counter starts again (a device reset, the simulator run once more) sends used sequence numbers
 * with new data. A redelivery carries an event time the bridge has already forwarded; a reading whose sequence number
 * was used but whose event time is later than any forwarded for that device cannot be one, so the device's memory
 * starts over and the reading is forwarded. Not thread-safe: the bridge calls it under its lock.
 */
final class ForwardedSequences {

    /** What a reading is, given what was forwarded before. */
    enum Verdict {
        /** not forwarded yet */
        NEW,
        /** forwarded before with the same or an earlier event time: a redelivery */
        DUPLICATE,
        /** a used sequence number with an event time later than any forwarded: the device's counter started again */
        COUNTER_RESTARTED
    }

    private static final class Device {
        long contiguous;
        final TreeSet<Long> above = new TreeSet<>();
        long latestEventTime = Long.MIN_VALUE;
    }

    private final int window;
    private final Map<String, Device> devices = new HashMap<>();

    ForwardedSequences(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, was " + window);
        }
        this.window = window;
    }

    Verdict check(String deviceId, long sequence, long eventTime) {
        Device device = devices.get(deviceId);
        if (device == null || (sequence > device.contiguous && !device.above.contains(sequence))) {
            return Verdict.NEW;
        }
        return eventTime > device.latestEventTime ? Verdict.COUNTER_RESTARTED : Verdict.DUPLICATE;
    }

    /** Forgets what was forwarded for the device: its counter started again. */
    void restart(String deviceId) {
        devices.remove(deviceId);
    }

    /** Records that Kafka acknowledged the reading. */
    void forwarded(String deviceId, long sequence, long eventTime) {
        Device device = devices.computeIfAbsent(deviceId, d -> new Device());
        device.latestEventTime = Math.max(device.latestEventTime, eventTime);
        if (sequence <= device.contiguous) {
            return;
        }
        if (sequence == device.contiguous + 1) {
            device.contiguous = sequence;
            while (!device.above.isEmpty() && device.above.first() == device.contiguous + 1) {
                device.contiguous = device.above.pollFirst();
            }
        } else {
            device.above.add(sequence);
            if (device.above.size() > window) {
                device.above.pollFirst();
            }
        }
    }

    int devices() {
        return devices.size();
    }
}
