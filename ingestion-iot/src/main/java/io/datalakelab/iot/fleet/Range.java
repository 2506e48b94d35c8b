package io.datalakelab.iot.fleet;

import java.util.SplittableRandom;

/** A closed interval of numbers: a measurement's physical limits, its normal range, or where a value starts. */
public record Range(double low, double high) {

    public Range {
        if (!(low <= high)) {
            throw new IllegalArgumentException("low " + low + " is above high " + high);
        }
    }

    public static Range of(double value) {
        return new Range(value, value);
    }

    public double width() {
        return high - low;
    }

    public double clamp(double value) {
        return Math.max(low, Math.min(high, value));
    }

    /** Folds a value that left the interval back inside, as a random walk bouncing off its bounds. */
    public double reflect(double value) {
        if (width() == 0) {
            return low;
        }
        double v = value;
        while (v < low || v > high) {
            v = v < low ? 2 * low - v : 2 * high - v;
        }
        return v;
    }

    public double draw(SplittableRandom random) {
        return width() == 0 ? low : low + random.nextDouble() * width();
    }

    public long drawWhole(SplittableRandom random) {
        return Math.round(draw(random));
    }

    public Range shiftedBy(double offset) {
        return new Range(low + offset, high + offset);
    }
}
