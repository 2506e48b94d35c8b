package io.datalakelab.core.schema;

import java.util.Map;
import java.util.Objects;

/**
 * One measurement from one device, the payload of {@code iot.sensor-readings}. Its Avro form is
 * {@code schemas/sensor-reading.avsc}; its JSON form is written and read by {@link SensorReadingCodec}.
 *
 * @param deviceId   unique device id, also the record key
 * @param deviceType kind of sensor
 * @param site       where the device is installed
 * @param eventTime  when the device measured, epoch ms UTC
 * @param sequence   per-device sequence number, from 1, increasing by one
 * @param values     measured quantities by name
 */
public record SensorReading(String deviceId, String deviceType, String site, long eventTime, long sequence,
                            Map<String, Double> values) {

    public SensorReading {
        requireText(deviceId, "deviceId");
        requireText(deviceType, "deviceType");
        requireText(site, "site");
        if (sequence < 1) {
            throw new InvalidRecordException("sequence must be >= 1, was " + sequence);
        }
        if (eventTime < 0) {
            throw new InvalidRecordException("eventTime must be epoch milliseconds >= 0, was " + eventTime);
        }
        Objects.requireNonNull(values, "values");
        values.forEach((name, value) -> {
            if (value == null || !Double.isFinite(value)) {
                // Neither JSON nor most readers can carry NaN or infinities: refuse them at the source.
                throw new InvalidRecordException("field 'values." + name + "' must be a finite number, was " + value);
            }
        });
        values = Map.copyOf(values);
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException("field '" + field + "' is missing or empty");
        }
    }
}
