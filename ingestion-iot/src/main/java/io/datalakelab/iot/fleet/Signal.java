package io.datalakelab.iot.fleet;

import java.util.SplittableRandom;

/** The state of one measurement of one device, advanced one reading at a time by the model of its {@link MeasurementSpec}. */
final class Signal {

    private static final double MS_PER_HOUR = 3_600_000.0;

    private final MeasurementSpec spec;
    private final Range range;
    private double level;

    Signal(MeasurementSpec spec, SiteSpec site, SplittableRandom random) {
        this.spec = spec;
        double origin = spec.relativeTo().isEmpty() ? 0 : site.coordinate(spec.relativeTo());
        this.range = spec.range().shiftedBy(origin);
        this.level = spec.start().shiftedBy(origin).draw(random);
    }

    MeasurementSpec spec() {
        return spec;
    }

    /** Width of the normal range: the unit in which spikes and drift are sized. */
    double rangeWidth() {
        return range.width();
    }

    /** The true value at {@code eventTimeMs} (before sensor faults, clamping and rounding), advancing the state. */
    double next(long eventTimeMs, int utcOffsetHours, SplittableRandom random) {
        return switch (spec.kind()) {
            case CONSTANT -> level;
            case COUNTER -> level += spec.increment().draw(random);
            case WALK -> {
                level = range.reflect(level + spec.walk() * random.nextGaussian());
                if (spec.stepRate() > 0 && random.nextDouble() < spec.stepRate()) {
                    level = range.clamp(level + (random.nextBoolean() ? spec.stepSize() : -spec.stepSize()));
                }
                double localHour = Math.floorMod(eventTimeMs, 86_400_000L) / MS_PER_HOUR + utcOffsetHours;
                double cycle = spec.daily() * Math.cos(2 * Math.PI * (localHour - spec.peakHour()) / 24);
                yield level + cycle + spec.noise() * random.nextGaussian();
            }
        };
    }

    /** What the sensor can report: inside the physical limits, rounded to the declared decimals. */
    double report(double value) {
        double scale = Math.pow(10, spec.decimals());
        return Math.round(spec.limits().clamp(value) * scale) / scale;
    }
}
