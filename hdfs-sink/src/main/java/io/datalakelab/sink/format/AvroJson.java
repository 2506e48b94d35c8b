package io.datalakelab.sink.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datalakelab.core.schema.InvalidRecordException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * Plain JSON to Avro data of a given schema and back, the way people write JSON by hand: a nullable field
 * is its value or {@code null} (no {@code {"string": ...}} union wrappers), a timestamp is epoch
 * milliseconds or an ISO-8601 instant, a decimal is a JSON number, bytes are a string of ISO-8859-1
 * characters (Avro's JSON convention). Strict: a value that does not fit names its field path.
 */
public final class AvroJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();

    private AvroJson() {
    }

    /** {@code node} as Avro data of {@code schema} (a {@link GenericRecord} for a record schema). */
    public static Object toAvro(JsonNode node, Schema schema) {
        return convert(node, schema, "");
    }

    private static Object convert(JsonNode node, Schema schema, String path) {
        boolean absent = node == null || node.isNull();
        switch (schema.getType()) {
            case NULL:
                if (!absent) {
                    throw misfit(path, "null", node);
                }
                return null;
            case UNION:
                return convertUnion(node, schema, path);
            default:
                if (absent) {
                    throw new InvalidRecordException("field '" + name(path) + "' is missing or null but the schema requires a " + schema.getType().getName());
                }
        }
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD: {
                if (!node.isObject()) {
                    throw misfit(path, "an object", node);
                }
                GenericRecord record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    JsonNode child = node.get(field.name());
                    String childPath = path.isEmpty() ? field.name() : path + "." + field.name();
                    if ((child == null || child.isNull()) && field.hasDefaultValue() && !accepts(field.schema(), Schema.Type.NULL)) {
                        record.put(field.pos(), GenericData.get().deepCopy(field.schema(), GenericData.get().getDefaultValue(field)));
                    } else {
                        record.put(field.pos(), convert(child, field.schema(), childPath));
                    }
                }
                return record;
            }
            case STRING:
                if (!node.isTextual()) {
                    throw misfit(path, "a string", node);
                }
                return node.asText();
            case ENUM:
                if (!node.isTextual() || !schema.hasEnumSymbol(node.asText())) {
                    throw misfit(path, "one of " + schema.getEnumSymbols(), node);
                }
                return new GenericData.EnumSymbol(schema, node.asText());
            case INT:
                if (logical instanceof LogicalTypes.Date && node.isTextual()) {
                    try {
                        return (int) java.time.LocalDate.parse(node.asText()).toEpochDay();
                    } catch (DateTimeParseException e) {
                        throw misfit(path, "a date (yyyy-mm-dd)", node);
                    }
                }
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw misfit(path, "a 32-bit integer", node);
                }
                return node.asInt();
            case LONG:
                if (node.isTextual() && (logical instanceof LogicalTypes.TimestampMillis || logical instanceof LogicalTypes.TimestampMicros)) {
                    try {
                        Instant instant = Instant.parse(node.asText());
                        return logical instanceof LogicalTypes.TimestampMillis ? instant.toEpochMilli()
                                : Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
                    } catch (DateTimeParseException e) {
                        throw misfit(path, "an ISO-8601 instant or epoch number", node);
                    }
                }
                if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                    throw misfit(path, "a 64-bit integer", node);
                }
                return node.asLong();
            case FLOAT:
                if (!node.isNumber()) {
                    throw misfit(path, "a number", node);
                }
                return node.floatValue();
            case DOUBLE:
                if (!node.isNumber()) {
                    throw misfit(path, "a number", node);
                }
                return node.doubleValue();
            case BOOLEAN:
                if (!node.isBoolean()) {
                    throw misfit(path, "true or false", node);
                }
                return node.asBoolean();
            case BYTES:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return DECIMALS.toBytes(decimal(node, decimal, path), schema, decimal);
                }
                if (!node.isTextual()) {
                    throw misfit(path, "a string of bytes", node);
                }
                return ByteBuffer.wrap(node.asText().getBytes(StandardCharsets.ISO_8859_1));
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return DECIMALS.toFixed(decimal(node, decimal, path), schema, decimal);
                }
                byte[] bytes = node.isTextual() ? node.asText().getBytes(StandardCharsets.ISO_8859_1) : null;
                if (bytes == null || bytes.length != schema.getFixedSize()) {
                    throw misfit(path, schema.getFixedSize() + " bytes", node);
                }
                return new GenericData.Fixed(schema, bytes);
            case MAP: {
                if (!node.isObject()) {
                    throw misfit(path, "an object (map)", node);
                }
                Map<String, Object> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    map.put(entry.getKey(), convert(entry.getValue(), schema.getValueType(), path + "." + entry.getKey()));
                }
                return map;
            }
            case ARRAY: {
                if (!node.isArray()) {
                    throw misfit(path, "an array", node);
                }
                List<Object> list = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    list.add(convert(node.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return new GenericData.Array<>(schema, list);
            }
            default:
                throw new IllegalStateException("unhandled Avro type " + schema.getType());
        }
    }

    private static Object convertUnion(JsonNode node, Schema union, String path) {
        if (node == null || node.isNull()) {
            if (accepts(union, Schema.Type.NULL)) {
                return null;
            }
            throw new InvalidRecordException("field '" + name(path) + "' is missing or null but the schema does not allow null");
        }
        InvalidRecordException first = null;
        for (Schema branch : union.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            try {
                return convert(node, branch, path);
            } catch (InvalidRecordException e) {
                first = first == null ? e : first;
            }
        }
        throw first != null ? first : misfit(path, "null", node);
    }

    private static BigDecimal decimal(JsonNode node, LogicalTypes.Decimal decimal, String path) {
        BigDecimal value;
        if (node.isNumber()) {
            value = node.decimalValue();
        } else if (node.isTextual()) {
            try {
                value = new BigDecimal(node.asText());
            } catch (NumberFormatException e) {
                throw misfit(path, "a decimal", node);
            }
        } else {
            throw misfit(path, "a decimal", node);
        }
        try {
            BigDecimal scaled = value.setScale(decimal.getScale(), RoundingMode.UNNECESSARY);
            if (scaled.precision() > decimal.getPrecision()) {
                throw misfit(path, "a decimal(" + decimal.getPrecision() + "," + decimal.getScale() + ")", node);
            }
            return scaled;
        } catch (ArithmeticException e) {
            throw misfit(path, "a decimal with at most " + decimal.getScale() + " fraction digits", node);
        }
    }

    private static boolean accepts(Schema schema, Schema.Type type) {
        return schema.getType() == type || schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(t -> t.getType() == type);
    }

    private static InvalidRecordException misfit(String path, String expected, JsonNode actual) {
        String shown = actual == null ? "nothing" : actual.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return new InvalidRecordException("field '" + name(path) + "' should be " + expected + " but is " + shown);
    }

    private static String name(String path) {
        return path.isEmpty() ? "(value)" : path;
    }

    /** Avro data of {@code schema} as plain JSON: the inverse of {@link #toAvro}. */
    public static JsonNode toJson(Object datum, Schema schema) {
        if (datum == null) {
            return NODES.nullNode();
        }
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case UNION:
                return toJson(datum, schema.getTypes().get(GenericData.get().resolveUnion(schema, datum)));
            case RECORD: {
                GenericRecord record = (GenericRecord) datum;
                ObjectNode out = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    out.set(field.name(), toJson(record.get(field.pos()), field.schema()));
                }
                return out;
            }
            case STRING:
            case ENUM:
                return NODES.textNode(datum.toString());
            case INT:
                if (datum instanceof java.time.LocalDate date) {
                    return NODES.textNode(date.toString());
                }
                return NODES.numberNode(((Number) datum).intValue());
            case LONG:
                if (datum instanceof Instant instant) {
                    return NODES.numberNode(logical instanceof LogicalTypes.TimestampMicros
                            ? instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000 : instant.toEpochMilli());
                }
                return NODES.numberNode(((Number) datum).longValue());
            case FLOAT:
                return NODES.numberNode(((Number) datum).floatValue());
            case DOUBLE:
                return NODES.numberNode(((Number) datum).doubleValue());
            case BOOLEAN:
                return NODES.booleanNode((Boolean) datum);
            case BYTES:
            case FIXED: {
                byte[] bytes;
                if (datum instanceof ByteBuffer buffer) {
                    bytes = new byte[buffer.remaining()];
                    buffer.duplicate().get(bytes);
                } else if (datum instanceof GenericFixed fixed) {
                    bytes = fixed.bytes();
                } else if (datum instanceof BigDecimal decimal) {
                    return NODES.numberNode(decimal);
                } else {
                    bytes = (byte[]) datum;
                }
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return NODES.numberNode(new BigDecimal(new java.math.BigInteger(bytes), decimal.getScale()));
                }
                return NODES.textNode(new String(bytes, StandardCharsets.ISO_8859_1));
            }
            case MAP: {
                ObjectNode out = NODES.objectNode();
                ((Map<?, ?>) datum).forEach((k, v) -> out.set(k.toString(), toJson(v, schema.getValueType())));
                return out;
            }
            case ARRAY: {
                ArrayNode out = NODES.arrayNode();
                ((Collection<?>) datum).forEach(v -> out.add(toJson(v, schema.getElementType())));
                return out;
            }
            case NULL:
                return NODES.nullNode();
            default:
                throw new IllegalStateException("unhandled Avro type " + schema.getType());
        }
    }
}
