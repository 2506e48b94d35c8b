package io.datalakelab.sink.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.datalakelab.core.schema.InvalidRecordException;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * A Kafka record's value once decoded: what the partitioner asks of it (a time field, scalar fields) and
 * what the output formats need (a JSON line, an Avro record of the output schema).
 */
public sealed interface SinkValue permits SinkValue.Json, SinkValue.JsonFields, SinkValue.Avro {

    /** The field as epoch milliseconds, if it is a non-negative integer (or an Avro timestamp). */
    OptionalLong epochMillis(String field);

    /** The field as text, if it is a scalar (string, number, boolean, enum symbol). */
    Optional<String> scalarText(String field);

    /** The value as one line of JSON, without a line break. */
    byte[] jsonLine();

    /** The value as an Avro record of {@code schema}; fails naming the first field that does not fit. */
    GenericRecord record(Schema schema) throws InvalidRecordException;

    /** A JSON object value; {@code raw} is kept so a line is written as it came whenever that is safe. */
    record Json(JsonNode node, byte[] raw) implements SinkValue {

        @Override
        public OptionalLong epochMillis(String field) {
            JsonNode value = node.get(field);
            return value != null && value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0
                    ? OptionalLong.of(value.asLong()) : OptionalLong.empty();
        }

        @Override
        public Optional<String> scalarText(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() || value.isContainerNode() ? Optional.empty() : Optional.of(value.asText());
        }

        @Override
        public byte[] jsonLine() {
            return withoutLineBreaks(raw);
        }

        @Override
        public GenericRecord record(Schema schema) {
            return (GenericRecord) AvroJson.toAvro(node, schema);
        }
    }

    /**
     * A JSON object value of which only the fields the partitioner needs were read (top-level scalars, as
     * {@link Long}, {@link Double}, {@link String} or {@link Boolean}; {@link #CONTAINER} for an object or
     * array): what JSON-lines output needs, without building the whole tree.
     */
    record JsonFields(byte[] raw, java.util.Map<String, Object> fields) implements SinkValue {

        /** Stands for a field whose value is an object or an array. */
        public static final Object CONTAINER = new Object();

        @Override
        public OptionalLong epochMillis(String field) {
            return fields.get(field) instanceof Long millis && millis >= 0 ? OptionalLong.of(millis) : OptionalLong.empty();
        }

        @Override
        public Optional<String> scalarText(String field) {
            Object value = fields.get(field);
            return value == null || value == CONTAINER ? Optional.empty() : Optional.of(value.toString());
        }

        @Override
        public byte[] jsonLine() {
            return withoutLineBreaks(raw);
        }

        @Override
        public GenericRecord record(Schema schema) {
            try {
                return (GenericRecord) AvroJson.toAvro(AvroJson.MAPPER.readTree(raw), schema);
            } catch (java.io.IOException e) {
                throw new InvalidRecordException("value is not JSON: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The value as one line. A raw line break in JSON can only be whitespace between tokens (inside strings it
     * must be escaped), so replacing it by a space leaves the same document.
     */
    private static byte[] withoutLineBreaks(byte[] json) {
        byte[] line = null;
        for (int i = 0; i < json.length; i++) {
            if (json[i] == '\n' || json[i] == '\r') {
                if (line == null) {
                    line = json.clone();
                }
                line[i] = ' ';
            }
        }
        return line == null ? json : line;
    }

    /** An Avro value, already resolved to the output schema by the decoder. */
    record Avro(GenericRecord value) implements SinkValue {

        @Override
        public OptionalLong epochMillis(String field) {
            Object v = value.hasField(field) ? value.get(field) : null;
            long millis;
            if (v instanceof java.time.Instant instant) {
                millis = instant.toEpochMilli();
            } else if (v instanceof Long || v instanceof Integer) {
                millis = ((Number) v).longValue();
            } else {
                return OptionalLong.empty();
            }
            return millis >= 0 ? OptionalLong.of(millis) : OptionalLong.empty();
        }

        @Override
        public Optional<String> scalarText(String field) {
            Object v = value.hasField(field) ? value.get(field) : null;
            return v instanceof CharSequence || v instanceof Number || v instanceof Boolean
                    || v instanceof org.apache.avro.generic.GenericEnumSymbol<?> ? Optional.of(v.toString()) : Optional.empty();
        }

        @Override
        public byte[] jsonLine() {
            try {
                return AvroJson.MAPPER.writeValueAsBytes(AvroJson.toJson(value, value.getSchema()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public GenericRecord record(Schema schema) {
            if (!value.getSchema().equals(schema)) {
                throw new InvalidRecordException("value is a " + value.getSchema().getFullName() + ", not the output schema " + schema.getFullName());
            }
            return value;
        }
    }
}
