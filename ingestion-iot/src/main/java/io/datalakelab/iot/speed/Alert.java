package io.datalakelab.iot.speed;

import io.datalakelab.core.schema.SensorReading;

/** What the speed layer writes to {@code iot.alerts} (as JSON, key = device id): which rule, which reading, why. */
public record Alert(String rule, String severity, String deviceId, String deviceType, String site, long eventTime, long sequence,
                    String measurement, double value, String condition, String description) {

    static Alert of(AlertRule rule, SensorReading reading, double value, String condition) {
        return new Alert(rule.id(), rule.severity().name().toLowerCase(java.util.Locale.ROOT), reading.deviceId(), reading.deviceType(),
                reading.site(), reading.eventTime(), reading.sequence(), rule.measurement(), value, condition, rule.description());
    }
}
