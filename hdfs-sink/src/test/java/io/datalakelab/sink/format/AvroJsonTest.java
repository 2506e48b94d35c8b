package io.datalakelab.sink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.Schemas;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Schema ORDER = new Schema.Parser().parse("""
            {"type":"record","name":"Order","fields":[
              {"name":"id","type":"long"},
              {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}},
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
              {"name":"placedAt","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"day","type":{"type":"int","logicalType":"date"}},
              {"name":"note","type":["null","string"],"default":null},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"channel","type":"string","default":"web"},
              {"name":"lines","type":{"type":"map","values":"int"}}
            ]}""");

    @Test
    void plainJsonBecomesAvroAndBackWithoutUnionWrappers() throws Exception {
        JsonNode in = JSON.readTree("""
                {"id":7,"status":"PAID","amount":12.50,"placedAt":"2026-11-23T10:00:00Z","day":"2026-11-23",
                 "note":null,"tags":["a","b"],"lines":{"x":1}}""");
        GenericRecord record = (GenericRecord) AvroJson.toAvro(in, ORDER);

        JsonNode out = AvroJson.toJson(record, ORDER);
        assertThat(out.get("id").asLong()).isEqualTo(7);
        assertThat(out.get("status").asText()).isEqualTo("PAID");
        assertThat(out.get("amount").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(out.get("placedAt").asLong()).isEqualTo(1_795_428_000_000L);
        assertThat(out.get("day").asInt()).isEqualTo(20_780);
        assertThat(out.get("note").isNull()).isTrue();
        assertThat(out.get("tags")).hasSize(2);
        assertThat(out.get("channel").asText()).as("a missing field with a default takes it").isEqualTo("web");
        assertThat(out.get("lines").get("x").asInt()).isEqualTo(1);
    }

    @Test
    void aValueThatDoesNotFitNamesTheFieldPath() throws Exception {
        assertThatThrownBy(() -> AvroJson.toAvro(JSON.readTree("{\"deviceId\":\"d\",\"deviceType\":\"t\",\"site\":\"s\","
                + "\"eventTime\":1,\"sequence\":1,\"values\":{\"t\":\"hot\"}}"), Schemas.sensorReading()))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("'values.t'").hasMessageContaining("a number");
        assertThatThrownBy(() -> AvroJson.toAvro(JSON.readTree("{\"deviceId\":\"d\"}"), Schemas.sensorReading()))
                .hasMessageContaining("'deviceType' is missing");
        assertThatThrownBy(() -> AvroJson.toAvro(JSON.readTree("{\"id\":1,\"status\":\"LOST\"}"), ORDER))
                .hasMessageContaining("'status' should be one of [NEW, PAID]");
        assertThatThrownBy(() -> AvroJson.toAvro(JSON.readTree("{\"id\":1,\"status\":\"NEW\",\"amount\":1.234}"), ORDER))
                .hasMessageContaining("'amount'").hasMessageContaining("2 fraction digits");
    }
}
