package io.datalakelab.iot.fleet;

import java.util.Locale;

/**
 * How fast the simulator sends: {@code natural} (each device once per interval of its type, in real time),
 * {@code max} (as fast as the cluster acknowledges), or a number of readings per second for the whole fleet.
 */
public record SendRate(Mode mode, double perSecond) {

    public enum Mode { NATURAL, MAX, FIXED }

    public static final SendRate NATURAL = new SendRate(Mode.NATURAL, 0);
    public static final SendRate MAX = new SendRate(Mode.MAX, 0);

    public static SendRate parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "natural" -> NATURAL;
            case "max", "0" -> MAX;
            default -> {
                double perSecond = Double.parseDouble(t);
                if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
                    throw new IllegalArgumentException(text);
                }
                yield new SendRate(Mode.FIXED, perSecond);
            }
        };
    }

    /** This rate split evenly over {@code producers} producer threads. */
    public SendRate share(int producers) {
        return mode == Mode.FIXED ? new SendRate(Mode.FIXED, perSecond / producers) : this;
    }

    @Override
    public String toString() {
        return mode == Mode.FIXED ? (perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond))
                : mode.name().toLowerCase(Locale.ROOT);
    }
}
