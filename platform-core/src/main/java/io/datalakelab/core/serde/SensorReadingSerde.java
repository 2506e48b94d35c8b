package io.datalakelab.core.serde;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde for {@link SensorReading} in its JSON encoding. Deserialization failures are {@code InvalidRecordException}s. */
public final class SensorReadingSerde implements Serde<SensorReading> {

    @Override
    public Serializer<SensorReading> serializer() {
        return (topic, reading) -> reading == null ? null : SensorReadingCodec.toJson(reading);
    }

    @Override
    public Deserializer<SensorReading> deserializer() {
        return (topic, bytes) -> bytes == null ? null : SensorReadingCodec.fromJson(bytes);
    }
}
