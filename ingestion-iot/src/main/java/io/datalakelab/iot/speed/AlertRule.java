package io.datalakelab.iot.speed;

/**
 * One rule of the speed layer. A threshold rule fires when a measurement is {@code above} or {@code below} a value;
 * an anomaly rule when a value is more than {@code zScore} standard deviations from the device's running mean
 * (an exponentially weighted mean and variance with weight {@code alpha}, after {@code warmup} readings); a stuck
 * rule when a measurement has not changed for {@code stuckReadings} readings.
 *
 * @param deviceType only readings of this type, or {@code null} for every type that has the measurement
 * @param fire       {@link Fire#ONSET}: once when a device enters the condition, again only after it left it;
 *                   {@link Fire#EVERY}: for every reading that meets it
 */
public record AlertRule(String id, String description, Severity severity, String deviceType, String measurement, Kind kind,
                        double threshold, double alpha, int warmup, int stuckReadings, Fire fire) {

    public enum Kind { ABOVE, BELOW, ANOMALY, STUCK }

    public enum Severity { INFO, WARNING, CRITICAL }

    public enum Fire { ONSET, EVERY }

    public boolean appliesTo(String type) {
        return deviceType == null || deviceType.equals(type);
    }
}
