package io.datalakelab.sink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.Schemas;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValueDecoderTest {

    private final ValueDecoder fieldsOnly = new ValueDecoder(ValueDecoder.ValueFormat.JSON, Schemas.sensorReading(), Set.of("eventTime", "site", "values"));
    private final ValueDecoder wholeTree = new ValueDecoder(ValueDecoder.ValueFormat.JSON, Schemas.sensorReading());

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readingOnlyThePartitionersFieldsAnswersAsTheWholeTreeDoes() {
        byte[] value = bytes("{\"deviceId\":\"d\",\"site\":\"porto\",\"eventTime\":1795428000000,\"values\":{\"t\":1.5},\"ok\":true}");
        for (SinkValue decoded : new SinkValue[] {fieldsOnly.decode(value), wholeTree.decode(value)}) {
            assertThat(decoded.epochMillis("eventTime")).hasValue(1_795_428_000_000L);
            assertThat(decoded.scalarText("site")).hasValue("porto");
            assertThat(decoded.scalarText("values")).as("an object is not a scalar").isEmpty();
            assertThat(decoded.jsonLine()).isSameAs(value);
        }
        assertThat(fieldsOnly.decode(value)).isInstanceOf(SinkValue.JsonFields.class);
    }

    @Test
    void malformedOrTrailingContentIsRefusedEvenInFieldsThatAreNotRead() {
        assertThatThrownBy(() -> fieldsOnly.decode(bytes("{\"deviceId\":\"d\",\"other\":{\"x\":[1,2}}")))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> fieldsOnly.decode(bytes("{\"site\":\"a\"} {\"site\":\"b\"}")))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("content after its end");
        assertThatThrownBy(() -> fieldsOnly.decode(bytes("[1,2]"))).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> fieldsOnly.decode(null)).hasMessageContaining("null");
    }

    @Test
    void lineBreaksBetweenTokensBecomeSpacesSoAValueStaysOneLine() {
        byte[] pretty = bytes("{\n  \"site\": \"a\\nb\",\r\n  \"eventTime\": 5\n}");
        String line = new String(fieldsOnly.decode(pretty).jsonLine(), StandardCharsets.UTF_8);
        assertThat(line).doesNotContain("\n").doesNotContain("\r").contains("\"a\\nb\"");
        assertThat(wholeTree.decode(bytes(line)).scalarText("site")).hasValue("a\nb");
    }
}
