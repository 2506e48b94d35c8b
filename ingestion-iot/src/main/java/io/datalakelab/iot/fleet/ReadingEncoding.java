package io.datalakelab.iot.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** How readings go on the wire: the platform's JSON, or Avro single-object encoding with the platform-core schema. */
public enum ReadingEncoding {
    JSON, AVRO;

    public byte[] encode(SensorReading reading) {
        return this == JSON ? SensorReadingCodec.toJson(reading) : SensorReadingCodec.toAvroSingleObject(reading);
    }

    /** The bytes of a malformed record: each kind breaks the record in a way a consumer must dead-letter, not crash on. */
    public byte[] encodeMalformed(Emission.MalformedKind kind, SensorReading basis) {
        return switch (kind) {
            case GARBAGE -> ("\u0000\u00ff#" + basis.deviceId() + " not a reading").getBytes(StandardCharsets.UTF_8);
            case TRUNCATED -> {
                byte[] whole = encode(basis);
                yield Arrays.copyOf(whole, whole.length / 2);
            }
            case MISSING_FIELD -> {
                ObjectNode node = SensorReadingCodec.toJsonNode(basis);
                node.remove("sequence");
                yield node.toString().getBytes(StandardCharsets.UTF_8);
            }
            case WRONG_TYPE -> {
                ObjectNode node = SensorReadingCodec.toJsonNode(basis);
                String first = node.get("values").fieldNames().next();
                ((ObjectNode) node.get("values")).put(first, "n/a");
                yield node.toString().getBytes(StandardCharsets.UTF_8);
            }
        };
    }
}
