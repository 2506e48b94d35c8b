package io.datalakelab.nifi.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.io.IOException;

/**
 * Decodes the bytes of exactly one reading with platform-core's codec, and refuses bytes that hold more than one.
 * The codec alone stops at the end of the first JSON value or Avro datum; here a second reading glued to the first
 * (two objects in one HTTP request, a missing demarcator) would otherwise pass as one reading and the rest would vanish.
 */
final class ReadingDecoder {

    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ReadingDecoder() {
    }

    /** The reading in {@code value}, JSON or Avro single-object encoded; {@link InvalidRecordException} names what is wrong. */
    static SensorReading decode(byte[] value) {
        if (value.length == 0) {
            throw new InvalidRecordException("value is empty (an empty or tombstone message is not a sensor reading)");
        }
        if (SensorReadingCodec.isAvroSingleObject(value)) {
            SensorReading reading = SensorReadingCodec.decode(value);
            // Re-encoding with the same schema gives the same length whatever the order of the map's entries; more
            // bytes in the value than that are bytes the decoder never read.
            int datumLength = SensorReadingCodec.toAvroSingleObject(reading).length;
            if (datumLength != value.length) {
                throw new InvalidRecordException("value holds " + (value.length - datumLength)
                        + " bytes after its Avro reading of " + datumLength + " bytes");
            }
            return reading;
        }
        JsonNode node;
        try {
            node = STRICT_JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException("value is not one JSON value: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidRecordException("value is not JSON: " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidRecordException("value holds only whitespace");
        }
        return SensorReadingCodec.fromJsonNode(node);
    }
}
