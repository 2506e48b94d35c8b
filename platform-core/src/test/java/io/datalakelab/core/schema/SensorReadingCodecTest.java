package io.datalakelab.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SensorReadingCodecTest {

    private static final SensorReading READING = new SensorReading("thermo-0042", "thermometer", "plant-a",
            1_700_000_000_000L, 42, Map.of("temperature", 21.5, "humidity", 40.0));

    @Test
    void jsonRoundTripGivesTheOriginalReading() {
        byte[] json = SensorReadingCodec.toJson(READING);

        assertThat(SensorReadingCodec.fromJson(json)).isEqualTo(READING);
    }

    @Test
    void theStreamedJsonIsTheTreesJsonWithValuesSortedByName() {
        assertThat(new String(SensorReadingCodec.toJson(READING), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(SensorReadingCodec.toJsonNode(READING).toString())
                .isEqualTo("{\"deviceId\":\"thermo-0042\",\"deviceType\":\"thermometer\",\"site\":\"plant-a\",\"eventTime\":1700000000000,"
                        + "\"sequence\":42,\"values\":{\"humidity\":40.0,\"temperature\":21.5}}");
    }

    @Test
    void avroRecordValidatesAgainstTheSchemaAndConvertsBackToTheOriginal() {
        GenericRecord record = SensorReadingCodec.toAvro(READING);

        assertThat(GenericData.get().validate(Schemas.sensorReading(), record)).isTrue();
        assertThat(SensorReadingCodec.fromAvro(record)).isEqualTo(READING);
    }

    @Test
    void avroRecordSurvivesBinaryEncoding() throws IOException {
        GenericRecord decoded = binaryRoundTrip(SensorReadingCodec.toAvro(READING));

        assertThat(SensorReadingCodec.fromAvro(decoded)).isEqualTo(READING);
    }

    @Test
    void jsonFieldNamesAreTheAvroSchemasFieldNames() {
        List<String> jsonFields = toList(SensorReadingCodec.toJsonNode(READING).fieldNames());

        assertThat(jsonFields).containsExactlyElementsOf(schemaFieldNames());
    }

    @ParameterizedTest(name = "without {0}")
    @MethodSource("schemaFieldNames")
    void decodingJsonWithoutAFieldFailsNamingIt(String field) {
        ObjectNode json = SensorReadingCodec.toJsonNode(READING);
        json.remove(field);

        assertThatThrownBy(() -> SensorReadingCodec.fromJson(json.toString().getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("'" + field + "'");
    }

    @Test
    void decodingBytesThatAreNotJsonFails() {
        byte[] garbage = "temperature=21.5".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SensorReadingCodec.fromJson(garbage))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void decodingANonNumericMeasurementFailsNamingIt() {
        ObjectNode json = SensorReadingCodec.toJsonNode(READING);
        ((ObjectNode) json.get("values")).put("humidity", "damp");

        assertThatThrownBy(() -> SensorReadingCodec.fromJson(json.toString().getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("'values.humidity'");
    }

    static List<String> schemaFieldNames() {
        return Schemas.sensorReading().getFields().stream().map(Schema.Field::name).toList();
    }

    private static <T> List<T> toList(Iterator<T> iterator) {
        List<T> out = new ArrayList<>();
        iterator.forEachRemaining(out::add);
        return out;
    }

    private static GenericRecord binaryRoundTrip(GenericRecord record) throws IOException {
        Schema schema = Schemas.sensorReading();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }
}
