package io.datalakelab.core.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;

/**
 * The JSON encoding of {@link SensorReading} (one object, field names as in the Avro schema) and its
 * conversion to and from Avro {@link GenericRecord}s. Decoding is strict: a missing or mistyped field
 * raises {@link InvalidRecordException} naming the field.
 */
public final class SensorReadingCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Avro single-object encoding: {@code C3 01}, the schema's CRC-64-AVRO fingerprint (8 bytes, little endian), the datum. */
    private static final BinaryMessageEncoder<GenericRecord> SINGLE_OBJECT_ENCODER =
            new BinaryMessageEncoder<>(GenericData.get(), Schemas.sensorReading());
    private static final BinaryMessageDecoder<GenericRecord> SINGLE_OBJECT_DECODER =
            new BinaryMessageDecoder<>(GenericData.get(), Schemas.sensorReading());

    private SensorReadingCodec() {
    }

    /** The JSON of a reading, streamed (no tree): the same bytes as {@link #toJsonNode}, values sorted by name. */
    public static byte[] toJson(SensorReading reading) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(192);
        try (com.fasterxml.jackson.core.JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("deviceId", reading.deviceId());
            json.writeStringField("deviceType", reading.deviceType());
            json.writeStringField("site", reading.site());
            json.writeNumberField("eventTime", reading.eventTime());
            json.writeNumberField("sequence", reading.sequence());
            json.writeObjectFieldStart("values");
            String[] names = reading.values().keySet().toArray(new String[0]);
            java.util.Arrays.sort(names);
            for (String name : names) {
                json.writeNumberField(name, reading.values().get(name));
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode reading of " + reading.deviceId(), e);
        }
        return out.toByteArray();
    }

    public static ObjectNode toJsonNode(SensorReading reading) {
        ObjectNode node = JSON.createObjectNode();
        node.put("deviceId", reading.deviceId());
        node.put("deviceType", reading.deviceType());
        node.put("site", reading.site());
        node.put("eventTime", reading.eventTime());
        node.put("sequence", reading.sequence());
        ObjectNode values = node.putObject("values");
        reading.values().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> values.put(e.getKey(), e.getValue()));
        return node;
    }

    /**
     * A reading in Avro's single-object encoding. That header is the lab's schema-id scheme: it names the writer
     * schema by fingerprint, so a consumer needs no registry, only the schemas of {@code platform-core}.
     */
    public static byte[] toAvroSingleObject(SensorReading reading) {
        try {
            return SINGLE_OBJECT_ENCODER.encode(toAvro(reading)).array();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode reading of " + reading.deviceId(), e);
        }
    }

    public static boolean isAvroSingleObject(byte[] value) {
        return value != null && value.length >= 10 && value[0] == (byte) 0xC3 && value[1] == (byte) 0x01;
    }

    /** A reading in either encoding: Avro single-object when the value starts with its marker, JSON otherwise. */
    public static SensorReading decode(byte[] value) {
        if (!isAvroSingleObject(value)) {
            return fromJson(value);
        }
        GenericRecord record;
        try {
            record = SINGLE_OBJECT_DECODER.decode(value);
        } catch (MissingSchemaException e) {
            throw new InvalidRecordException("Avro value written with an unknown schema: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException("Avro value cannot be decoded as a SensorReading: " + e.getMessage(), e);
        }
        return fromAvro(record);
    }

    public static SensorReading fromJson(byte[] json) {
        if (json == null) {
            throw new InvalidRecordException("value is null (a tombstone is not a sensor reading)");
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new InvalidRecordException("value is not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return fromJsonNode(node);
    }

    public static SensorReading fromJsonNode(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidRecordException("value is not a JSON object");
        }
        JsonNode values = node.get("values");
        if (values == null || !values.isObject()) {
            throw new InvalidRecordException("field 'values' is missing or not an object");
        }
        Map<String, Double> measured = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new InvalidRecordException("field 'values." + e.getKey() + "' is not a number");
            }
            measured.put(e.getKey(), e.getValue().doubleValue());
        }
        return new SensorReading(text(node, "deviceId"), text(node, "deviceType"), text(node, "site"),
                integer(node, "eventTime"), integer(node, "sequence"), measured);
    }

    public static GenericRecord toAvro(SensorReading reading) {
        GenericRecord record = new GenericData.Record(Schemas.sensorReading());
        record.put("deviceId", reading.deviceId());
        record.put("deviceType", reading.deviceType());
        record.put("site", reading.site());
        record.put("eventTime", reading.eventTime());
        record.put("sequence", reading.sequence());
        record.put("values", new LinkedHashMap<>(reading.values()));
        return record;
    }

    public static SensorReading fromAvro(GenericRecord record) {
        Schema schema = record.getSchema();
        if (!Schemas.sensorReading().getFullName().equals(schema.getFullName())) {
            throw new InvalidRecordException("Avro record is a " + schema.getFullName() + ", not a SensorReading");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        Object measured = avroField(record, "values");
        if (!(measured instanceof Map<?, ?> map)) {
            throw new InvalidRecordException("field 'values' is not a map");
        }
        map.forEach((k, v) -> values.put(k.toString(), ((Number) v).doubleValue()));
        return new SensorReading(avroField(record, "deviceId").toString(), avroField(record, "deviceType").toString(),
                avroField(record, "site").toString(), epochMillis(avroField(record, "eventTime")),
                ((Number) avroField(record, "sequence")).longValue(), values);
    }

    private static Object avroField(GenericRecord record, String field) {
        Object value = record.hasField(field) ? record.get(field) : null;
        if (value == null) {
            throw new InvalidRecordException("field '" + field + "' is missing");
        }
        return value;
    }

    /** A timestamp-millis field is a Long, or an Instant when the reader applies logical-type conversions. */
    private static long epochMillis(Object value) {
        return value instanceof java.time.Instant instant ? instant.toEpochMilli() : ((Number) value).longValue();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidRecordException("field '" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static long integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new InvalidRecordException("field '" + field + "' is missing or not an integer");
        }
        return value.asLong();
    }
}
