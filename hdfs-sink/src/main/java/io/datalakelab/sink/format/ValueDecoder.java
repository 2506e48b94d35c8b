package io.datalakelab.sink.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.Schemas;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;

/**
 * Turns a Kafka value into a {@link SinkValue}: a JSON object, or an Avro record in Avro's single-object
 * encoding (marker {@code C3 01}, the writer schema's 64-bit fingerprint, then the binary datum). For Avro
 * the writer schema comes from the data's fingerprint, looked up among the output schema and the schemas
 * of {@code platform-core}; the datum is resolved to the output schema (added fields get their defaults).
 */
public final class ValueDecoder {

    /** How the values of the consumed topics are encoded. */
    public enum ValueFormat {
        /** One JSON object per value (what the sensor fleet produces). */
        JSON,
        /** Avro single-object encoding, as written by Avro's {@code BinaryMessageEncoder}. */
        AVRO
    }

    private final ValueFormat format;
    private final BinaryMessageDecoder<GenericRecord> avro;

    public ValueDecoder(ValueFormat format, Schema outputSchema) {
        this.format = format;
        this.avro = new BinaryMessageDecoder<>(GenericData.get(), outputSchema);
        for (Schema known : List.of(Schemas.sensorReading(), Schemas.changeEvent())) {
            if (!known.equals(outputSchema)) {
                avro.addSchema(known);
            }
        }
    }

    public SinkValue decode(byte[] value) throws InvalidRecordException {
        if (value == null) {
            throw new InvalidRecordException("value is null");
        }
        return switch (format) {
            case JSON -> decodeJson(value);
            case AVRO -> decodeAvro(value);
        };
    }

    private static SinkValue decodeJson(byte[] value) {
        JsonNode node;
        try {
            node = AvroJson.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new InvalidRecordException("value is not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRecordException("value is not a JSON object");
        }
        return new SinkValue.Json(node, value);
    }

    private SinkValue decodeAvro(byte[] value) {
        try {
            return new SinkValue.Avro(avro.decode(value));
        } catch (MissingSchemaException e) {
            throw new InvalidRecordException("value's Avro schema is unknown: " + e.getMessage(), e);
        } catch (org.apache.avro.message.BadHeaderException e) {
            throw new InvalidRecordException("value is not Avro single-object encoded: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException("value is not a valid Avro datum: " + e, e);
        }
    }
}
