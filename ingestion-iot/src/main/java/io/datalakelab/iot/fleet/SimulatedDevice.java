package io.datalakelab.iot.fleet;

import io.datalakelab.core.schema.SensorReading;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One device of the fleet: its signals, its own random stream (so its readings depend on the seed and nothing
 * else), its sequence counter (from 1, one per reading measured) and the state of the faults it is going through.
 */
public final class SimulatedDevice {

    private final String id;
    private final DeviceTypeSpec type;
    private final SiteSpec site;
    private final SplittableRandom random;
    private final Signal[] signals;
    private final long clockSkewMs;
    private final long firstDueOffsetMs;
    private long nextSequence = 1;

    private int stuckRemaining;
    private Map<String, Double> stuckValues;
    private int driftRemaining;
    private int driftSignal;
    private double driftStep;
    private double driftOffset;
    private int offlineRemaining;
    private final List<SensorReading> offlineBuffer = new ArrayList<>();

    SimulatedDevice(String id, DeviceTypeSpec type, SiteSpec site, FaultSpec faults, SplittableRandom random) {
        this.id = id;
        this.type = type;
        this.site = site;
        this.random = random;
        this.signals = type.measurements().stream().map(m -> new Signal(m, site, random)).toArray(Signal[]::new);
        long maxSkew = faults.maxSkew().toMillis();
        this.clockSkewMs = random.nextDouble() < faults.skewedDevices() && maxSkew > 0 ? random.nextLong(-maxSkew, maxSkew + 1) : 0;
        this.firstDueOffsetMs = random.nextLong(Math.max(1, type.interval().toMillis()));
    }

    public String id() {
        return id;
    }

    public String typeName() {
        return type.name();
    }

    public String siteName() {
        return site.name();
    }

    public long intervalMs() {
        return type.interval().toMillis();
    }

    /** Where in its first interval the device first reports, so that a fleet does not send in lock-step. */
    long firstDueOffsetMs() {
        return firstDueOffsetMs;
    }

    public long clockSkewMs() {
        return clockSkewMs;
    }

    /** Readings measured so far: the highest sequence number used. */
    public long readingsMeasured() {
        return nextSequence - 1;
    }

    public boolean isOffline() {
        return offlineRemaining > 0;
    }

    /**
     * One tick of the device at {@code clockTimeMs} (true time; the device stamps it with its skewed clock). Adds to
     * {@code out} what the device sends now: usually one reading; nothing while offline; the buffered readings,
     * shuffled, when it comes back; sometimes a malformed record.
     */
    public void tick(long clockTimeMs, FaultSpec faults, List<Emission> out) {
        if (offlineRemaining == 0 && faults.offlineRate() > 0 && random.nextDouble() < faults.offlineRate()) {
            offlineRemaining = (int) faults.offlineReadings().drawWhole(random);
        }
        if (offlineRemaining > 0) {
            offlineRemaining--;
            if (faults.offlineReplay()) {
                offlineBuffer.add(measure(clockTimeMs, faults));
            }
            return;
        }
        releaseBuffered(out);
        SensorReading reading = measure(clockTimeMs, faults);
        out.add(new Emission.Reading(reading, false));
        if (faults.malformedRate() > 0 && random.nextDouble() < faults.malformedRate()) {
            Emission.MalformedKind[] kinds = Emission.MalformedKind.values();
            out.add(new Emission.Malformed(kinds[random.nextInt(kinds.length)], reading));
        }
    }

    /** Sends what an offline device buffered, in a shuffled order, as a device reconnecting does. */
    public void releaseBuffered(List<Emission> out) {
        if (offlineBuffer.isEmpty()) {
            return;
        }
        Collections.shuffle(offlineBuffer, new java.util.Random(random.nextLong()));
        offlineBuffer.forEach(r -> out.add(new Emission.Reading(r, true)));
        offlineBuffer.clear();
    }

    /** Ends an offline period early (at the end of a run), so that nothing measured stays unsent. */
    public void reconnect(List<Emission> out) {
        offlineRemaining = 0;
        releaseBuffered(out);
    }

    private SensorReading measure(long clockTimeMs, FaultSpec faults) {
        long eventTime = Math.max(0, clockTimeMs + clockSkewMs);
        Map<String, Double> values = new LinkedHashMap<>();
        double[] raw = new double[signals.length];
        for (int i = 0; i < signals.length; i++) {
            raw[i] = signals[i].next(eventTime, site.utcOffsetHours(), random);
        }
        applyDrift(raw, faults);
        applySpike(raw, faults);
        for (int i = 0; i < signals.length; i++) {
            values.put(signals[i].spec().name(), signals[i].report(raw[i]));
        }
        values = applyStuck(values, faults);
        return new SensorReading(id, type.name(), site.name(), eventTime, nextSequence++, values);
    }

    private void applySpike(double[] raw, FaultSpec faults) {
        if (faults.spikeRate() > 0 && random.nextDouble() < faults.spikeRate()) {
            int i = walkingSignal();
            if (i >= 0) {
                raw[i] += (random.nextBoolean() ? 1 : -1) * faults.spikeSize() * signals[i].rangeWidth();
            }
        }
    }

    private void applyDrift(double[] raw, FaultSpec faults) {
        if (driftRemaining == 0 && faults.driftRate() > 0 && random.nextDouble() < faults.driftRate()) {
            driftSignal = walkingSignal();
            driftRemaining = (int) faults.driftReadings().drawWhole(random);
            driftStep = (random.nextBoolean() ? 1 : -1) * faults.driftPerReading();
            driftOffset = 0;
        }
        if (driftRemaining > 0 && driftSignal >= 0) {
            driftOffset += driftStep * signals[driftSignal].rangeWidth();
            raw[driftSignal] += driftOffset;
            driftRemaining--;
        }
    }

    private Map<String, Double> applyStuck(Map<String, Double> values, FaultSpec faults) {
        if (stuckRemaining == 0 && faults.stuckRate() > 0 && random.nextDouble() < faults.stuckRate()) {
            stuckRemaining = (int) faults.stuckReadings().drawWhole(random);
            stuckValues = values;
        }
        if (stuckRemaining > 0) {
            stuckRemaining--;
            return stuckValues;
        }
        return values;
    }

    /** A random measurement that moves on its own (faults on a person's height or a meter's total make no sense). */
    private int walkingSignal() {
        List<Integer> walking = new ArrayList<>();
        for (int i = 0; i < signals.length; i++) {
            if (signals[i].spec().kind() == MeasurementSpec.Kind.WALK) {
                walking.add(i);
            }
        }
        return walking.isEmpty() ? -1 : walking.get(random.nextInt(walking.size()));
    }
}
