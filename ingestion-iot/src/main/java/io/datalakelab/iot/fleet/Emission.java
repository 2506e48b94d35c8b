package io.datalakelab.iot.fleet;

import io.datalakelab.core.schema.SensorReading;

/** What a device hands to the producer: a reading (on time, or late from its offline buffer) or a malformed record. */
public sealed interface Emission {

    String deviceId();

    /** @param late measured while the device was offline and sent after it came back */
    record Reading(SensorReading reading, boolean late) implements Emission {
        @Override
        public String deviceId() {
            return reading.deviceId();
        }
    }

    /** A broken record of the given kind, derived from {@code basis}; it uses no sequence number. */
    record Malformed(MalformedKind kind, SensorReading basis) implements Emission {
        @Override
        public String deviceId() {
            return basis.deviceId();
        }
    }

    enum MalformedKind {
        /** bytes that are no encoding at all */
        GARBAGE,
        /** a record cut in the middle */
        TRUNCATED,
        /** a JSON reading without its sequence number */
        MISSING_FIELD,
        /** a JSON reading whose value is text */
        WRONG_TYPE
    }
}
