package io.datalakelab.flume.interceptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.interceptor.Interceptor;
import org.junit.jupiter.api.Test;

class SensorReadingInterceptorTest {

    private static final SensorReading READING = new SensorReading("lisbon-climate-007", "climate", "lisbon",
            1_767_225_600_000L, 42, Map.of("temperature", 21.5));

    @Test
    void validReadingIsKeyedByDeviceAndStampedWithItsEventTime() {
        Interceptor interceptor = build(Map.of());
        Event event = interceptor.intercept(EventBuilder.withBody(SensorReadingCodec.toJson(READING)));

        assertThat(event.getHeaders())
                .containsEntry("key", "lisbon-climate-007")
                .containsEntry("timestamp", "1767225600000")
                .containsEntry(SensorReadingInterceptor.ROUTE_HEADER, SensorReadingInterceptor.ROUTE_LAKE)
                .doesNotContainKey("topic")
                .doesNotContainKey("dlq.reason");
        assertThat(counters(interceptor).getReadingsValid()).isEqualTo(1);
    }

    @Test
    void malformedReadingIsRoutedToTheDeadLetterTopicWithTheFieldAtFault() {
        Interceptor interceptor = build(Map.of("topic", "plant.readings"));
        Event event = interceptor.intercept(EventBuilder.withBody(
                "{\"deviceId\":\"d-1\",\"deviceType\":\"climate\",\"site\":\"s\",\"eventTime\":1,\"sequence\":1,\"values\":{\"t\":\"hot\"}}",
                StandardCharsets.UTF_8));

        assertThat(event.getHeaders())
                .containsEntry(SensorReadingInterceptor.ROUTE_HEADER, SensorReadingInterceptor.ROUTE_DLQ)
                .containsEntry("topic", "plant.readings.dlq")
                .containsEntry("dlq.reason", "field 'values.t' is not a number")
                .containsEntry("dlq.service", "flume-agent")
                .containsKey("dlq.source")
                .doesNotContainKey("key");
        assertThat(counters(interceptor).getReadingsDeadLettered()).isEqualTo(1);
    }

    @Test
    void deadLetterFromKafkaNamesItsSourceTopicPartitionAndOffset() {
        Interceptor interceptor = build(Map.of());
        Map<String, String> kafkaHeaders = new HashMap<>(Map.of("topic", "iot.sensor-readings", "partition", "3", "offset", "1207",
                "key", "not-a-device"));
        Event event = interceptor.intercept(EventBuilder.withBody("not json".getBytes(StandardCharsets.UTF_8), kafkaHeaders));

        assertThat(event.getHeaders())
                .containsEntry("topic", "iot.sensor-readings.dlq")
                .containsEntry("dlq.source.topic", "iot.sensor-readings")
                .containsEntry("dlq.source.partition", "3")
                .containsEntry("dlq.source.offset", "1207")
                .doesNotContainKey("key");
        assertThat(event.getHeaders().get("dlq.reason")).startsWith("value is not JSON");
    }

    @Test
    void jsonBodyOptionRewritesAvroReadingsAsJsonAndLeavesJsonAlone() {
        Interceptor interceptor = build(Map.of("body", "json"));
        byte[] json = SensorReadingCodec.toJson(READING);

        Event fromAvro = interceptor.intercept(EventBuilder.withBody(SensorReadingCodec.toAvroSingleObject(READING)));
        Event fromJson = interceptor.intercept(EventBuilder.withBody(json));

        assertThat(SensorReadingCodec.fromJson(fromAvro.getBody())).isEqualTo(READING);
        assertThat(fromJson.getBody()).isSameAs(json);
    }

    @Test
    void batchKeepsEveryEventInOrder() {
        Interceptor interceptor = build(Map.of());
        List<Event> events = List.of(EventBuilder.withBody(SensorReadingCodec.toJson(READING)),
                EventBuilder.withBody("{}".getBytes(StandardCharsets.UTF_8)));

        List<Event> out = interceptor.intercept(events);

        assertThat(out).hasSize(2);
        assertThat(out.get(0).getHeaders()).containsEntry(SensorReadingInterceptor.ROUTE_HEADER, "lake");
        assertThat(out.get(1).getHeaders()).containsEntry(SensorReadingInterceptor.ROUTE_HEADER, "dlq");
    }

    @Test
    void unknownBodyOptionFailsNamingTheKey() {
        SensorReadingInterceptor.Builder builder = new SensorReadingInterceptor.Builder();
        assertThatThrownBy(() -> builder.configure(new Context(Map.of("body", "xml"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'body'")
                .hasMessageContaining("'xml'");
    }

    private static Interceptor build(Map<String, String> settings) {
        SensorReadingInterceptor.Builder builder = new SensorReadingInterceptor.Builder();
        builder.configure(new Context(settings));
        Interceptor interceptor = builder.build();
        interceptor.initialize();
        return interceptor;
    }

    private static ReadingCounters counters(Interceptor interceptor) {
        return ((SensorReadingInterceptor) interceptor).counters();
    }
}
