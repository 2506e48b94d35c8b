package io.datalakelab.sink.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.datalakelab.core.schema.InvalidRecordException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * A Kafka record's value once decoded: what the partitioner asks of it (a time field, scalar fields) and
 * what the output formats need (a JSON line, an Avro record of the output schema).
 */
public sealed interface SinkValue permits SinkValue.Json, SinkValue.Avro {

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
            if (!containsLineBreak(raw)) {
                return raw;
            }
            try {
                return AvroJson.MAPPER.writeValueAsBytes(node);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public GenericRecord record(Schema schema) {
            return (GenericRecord) AvroJson.toAvro(node, schema);
        }

        private static boolean containsLineBreak(byte[] value) {
            for (byte b : value) {
                if (b == '\n' || b == '\r') {
                    return true;
                }
            }
            return false;
        }
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
                throw new UncheckedIOException(e);
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
