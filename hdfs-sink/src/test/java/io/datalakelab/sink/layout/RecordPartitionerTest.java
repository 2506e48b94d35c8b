package io.datalakelab.sink.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.schema.Schemas;
import io.datalakelab.sink.format.SinkValue;
import io.datalakelab.sink.format.ValueDecoder;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordPartitionerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T = 1_763_900_000_000L; // 2025-11-23T12:13:20Z

    private static SinkValue json(String text) throws Exception {
        return new ValueDecoder(ValueDecoder.ValueFormat.JSON, Schemas.sensorReading()).decode(text.getBytes(StandardCharsets.UTF_8));
    }

    private static SinkValue reading(String site) throws Exception {
        return json("{\"site\":" + JSON.writeValueAsString(site) + ",\"eventTime\":" + T + "}");
    }

    @Test
    void fieldsComeBeforeTheTimePartitionAndAreEscapedAsHiveDoes() throws Exception {
        RecordPartitioner partitioner = new RecordPartitioner(RecordPartitioner.TimeSource.EVENT_TIME, "eventTime", List.of("site"),
                new EventTimePartitioner(ZoneId.of("UTC"), EventTimePartitioner.Granularity.DAILY));
        SinkValue value = reading("São Paulo/1");
        long time = partitioner.timeOf(value, 0, 0);
        assertThat(time).isEqualTo(T);
        assertThat(partitioner.directoriesOf(value, time)).isEqualTo("site=S%C3%A3o%20Paulo%2F1/dt=2025-11-23");
    }

    @Test
    void recordTimeAndWallClockIgnoreTheEventTimeField() throws Exception {
        EventTimePartitioner hourly = new EventTimePartitioner(ZoneId.of("UTC"));
        SinkValue noEventTime = json("{\"site\":\"x\"}");
        assertThat(new RecordPartitioner(RecordPartitioner.TimeSource.RECORD_TIME, "eventTime", List.of(), hourly).timeOf(noEventTime, 42, 7)).isEqualTo(42);
        assertThat(new RecordPartitioner(RecordPartitioner.TimeSource.WALL_CLOCK, "eventTime", List.of(), hourly).timeOf(noEventTime, 42, 7)).isEqualTo(7);
    }

    @Test
    void aMissingEventTimeOrPartitionFieldIsNamed() throws Exception {
        RecordPartitioner partitioner = new RecordPartitioner(RecordPartitioner.TimeSource.EVENT_TIME, "eventTime", List.of("site"),
                new EventTimePartitioner(ZoneId.of("UTC")));
        assertThatThrownBy(() -> partitioner.timeOf(json("{\"site\":\"x\"}"), 0, 0)).hasMessageContaining("'eventTime'");
        assertThatThrownBy(() -> partitioner.directoriesOf(json("{\"eventTime\":1}"), 1)).hasMessageContaining("'site'");
    }

    @Test
    void aTimePartitionEndsAtTheNextHourOrDay() {
        assertThat(new EventTimePartitioner(ZoneId.of("UTC")).endOf(T)).isEqualTo(1_763_902_800_000L); // 13:00Z
        assertThat(new EventTimePartitioner(ZoneId.of("UTC"), EventTimePartitioner.Granularity.DAILY).endOf(T)).isEqualTo(1_763_942_400_000L);
    }
}
