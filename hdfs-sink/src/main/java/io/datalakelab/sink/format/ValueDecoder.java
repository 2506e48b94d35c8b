package io.datalakelab.sink.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.Schemas;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final Set<String> fieldsToRead;

    /** A decoder that builds whole values (JSON trees), as Avro and Parquet output need. */
    public ValueDecoder(ValueFormat format, Schema outputSchema) {
        this(format, outputSchema, null);
    }

    /**
     * @param fieldsToRead for JSON values, read only these top-level fields (what the partitioner needs) and
     *                     check the rest is well-formed without building it; {@code null} to build the whole tree
     */
    public ValueDecoder(ValueFormat format, Schema outputSchema, Set<String> fieldsToRead) {
        this.format = format;
        this.fieldsToRead = fieldsToRead == null ? null : Set.copyOf(fieldsToRead);
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
            case JSON -> fieldsToRead == null ? decodeJson(value) : decodeJsonFields(value);
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

    /** One streaming pass: the wanted fields' scalars kept, everything else skipped (and so checked for syntax). */
    private SinkValue decodeJsonFields(byte[] value) {
        Map<String, Object> fields = new HashMap<>(fieldsToRead.size() * 2);
        try (JsonParser parser = AvroJson.MAPPER.getFactory().createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRecordException("value is not a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken valueToken = parser.nextToken();
                boolean wanted = fieldsToRead.contains(name);
                if (valueToken.isStructStart()) {
                    parser.skipChildren();
                    if (wanted) {
                        fields.put(name, SinkValue.JsonFields.CONTAINER);
                    }
                } else if (wanted) {
                    fields.put(name, scalar(parser, valueToken));
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new InvalidRecordException("value is not one JSON object (content after its end)");
            }
        } catch (IOException e) {
            throw new InvalidRecordException("value is not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return new SinkValue.JsonFields(value, fields);
    }

    private static Object scalar(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getText() : parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE, VALUE_FALSE -> parser.getBooleanValue();
            case VALUE_NULL -> null;
            default -> parser.getText();
        };
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
