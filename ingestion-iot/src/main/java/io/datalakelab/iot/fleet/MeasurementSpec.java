package io.datalakelab.iot.fleet;

/**
 * How one measured quantity of a device type behaves.
 *
 * <p>A {@link Kind#WALK} value is a random walk of step {@code walk} (standard deviation per reading) that bounces
 * inside {@code range}, plus a daily cycle of amplitude {@code daily} peaking at local hour {@code peakHour}, plus
 * noise, plus step changes (a set-point moved, a machine switched on) that happen with probability
 * {@code stepRate} per reading and move the level by ±{@code stepSize}; the result is clamped to the physical
 * {@code limits} and rounded to {@code decimals}. A {@link Kind#CONSTANT} is drawn once per device from
 * {@code start} (a person's height); a {@link Kind#COUNTER} starts in {@code start} and grows by a draw from
 * {@code increment} per reading (an energy meter).
 *
 * @param relativeTo {@code latitude} or {@code longitude} to make {@code range} and {@code start} offsets from the
 *                   device's site coordinate; empty for absolute values
 */
public record MeasurementSpec(String name, String unit, Kind kind, Range limits, Range range, Range start, double walk,
                              double daily, double peakHour, double noise, double stepRate, double stepSize,
                              Range increment, String relativeTo, int decimals) {

    public enum Kind { WALK, CONSTANT, COUNTER }
}
