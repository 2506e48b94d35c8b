package io.datalakelab.flume.interceptor;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.topic.DeadLetterHeaders;
import io.datalakelab.core.topic.Topics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.interceptor.Interceptor;

/**
 * Reads each event's body as a platform sensor reading (JSON or Avro single-object) and tells the rest of the agent
 * what to do with it, through headers only:
 * <ul>
 *   <li>a valid reading gets {@code key} = its device id (the Kafka sink's record key, so a device's readings stay
 *       ordered in one partition), {@code timestamp} = its event time (what the HDFS sink's {@code %Y-%m-%d/%H}
 *       escapes partition by, instead of when Flume saw it) and {@code datalake.route = lake};</li>
 *   <li>anything else gets {@code datalake.route = dlq}, {@code topic = <topic>.dlq} (the Kafka sink's topic
 *       override) and the platform's dead-letter headers: {@code dlq.reason} naming the field at fault, and the source
 *       topic, partition and offset when the event came from Kafka.</li>
 * </ul>
 * No event is ever dropped: a multiplexing channel selector on {@code datalake.route} sends bad readings to a DLQ sink.
 * With {@code body = json} valid readings are rewritten as the platform's JSON, so HDFS files are JSON lines even when
 * devices send Avro.
 */
public final class SensorReadingInterceptor implements Interceptor {

    public static final String ROUTE_HEADER = "datalake.route";
    public static final String ROUTE_LAKE = "lake";
    public static final String ROUTE_DLQ = "dlq";
    /** Header names the Flume Kafka source and sink use. */
    static final String KEY_HEADER = "key";
    static final String TIMESTAMP_HEADER = "timestamp";
    static final String TOPIC_HEADER = "topic";
    static final String PARTITION_HEADER = "partition";
    static final String OFFSET_HEADER = "offset";
    /** Longest reason kept in a header; Kafka headers are small by convention. */
    private static final int MAX_REASON_LENGTH = 500;

    /** What to do with a valid reading's body. */
    public enum Body { UNCHANGED, JSON }

    private final String topic;
    private final Body body;
    private final String agentSource;
    private final ReadingCounters counters;

    SensorReadingInterceptor(String topic, Body body, String agentSource, ReadingCounters counters) {
        this.topic = topic;
        this.body = body;
        this.agentSource = agentSource;
        this.counters = counters;
    }

    @Override
    public void initialize() {
        counters.start();
    }

    @Override
    public Event intercept(Event event) {
        Map<String, String> headers = event.getHeaders();
        SensorReading reading;
        try {
            reading = SensorReadingCodec.decode(event.getBody());
        } catch (InvalidRecordException e) {
            deadLetter(headers, e.getMessage());
            counters.invalid();
            return event;
        }
        headers.put(KEY_HEADER, reading.deviceId());
        headers.put(TIMESTAMP_HEADER, Long.toString(reading.eventTime()));
        headers.put(ROUTE_HEADER, ROUTE_LAKE);
        if (body == Body.JSON && SensorReadingCodec.isAvroSingleObject(event.getBody())) {
            event.setBody(SensorReadingCodec.toJson(reading));
        }
        counters.valid();
        return event;
    }

    private void deadLetter(Map<String, String> headers, String reason) {
        String sourceTopic = headers.getOrDefault(TOPIC_HEADER, topic);
        headers.put(ROUTE_HEADER, ROUTE_DLQ);
        headers.put(TOPIC_HEADER, sourceTopic + Topics.DLQ_SUFFIX);
        headers.put(DeadLetterHeaders.REASON, reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason);
        headers.put(DeadLetterHeaders.SERVICE, "flume-agent");
        if (headers.containsKey(PARTITION_HEADER) && headers.containsKey(OFFSET_HEADER)) {
            headers.put(DeadLetterHeaders.SOURCE_TOPIC, sourceTopic);
            headers.put(DeadLetterHeaders.SOURCE_PARTITION, headers.get(PARTITION_HEADER));
            headers.put(DeadLetterHeaders.SOURCE_OFFSET, headers.get(OFFSET_HEADER));
        } else {
            headers.put(DeadLetterHeaders.SOURCE, agentSource);
        }
        // A malformed body has no device id: without a key the Kafka sink spreads dead letters over the partitions.
        headers.remove(KEY_HEADER);
    }

    @Override
    public List<Event> intercept(List<Event> events) {
        for (Event event : events) {
            intercept(event);
        }
        return events;
    }

    @Override
    public void close() {
        counters.stop();
    }

    ReadingCounters counters() {
        return counters;
    }

    /**
     * Built by Flume from the agent configuration, e.g.
     * {@code agent.sources.r1.interceptors.readings.type = io.datalakelab.flume.interceptor.SensorReadingInterceptor$Builder}.
     */
    public static final class Builder implements Interceptor.Builder {

        /** Config keys under {@code <agent>.sources.<source>.interceptors.<name>.} */
        public static final String TOPIC = "topic";
        public static final String BODY = "body";
        public static final String NAME = "name";

        private String topic = Topics.SENSOR_READINGS;
        private Body body = Body.UNCHANGED;
        private String name = "sensor-readings";

        @Override
        public void configure(Context context) {
            topic = context.getString(TOPIC, Topics.SENSOR_READINGS).trim();
            if (topic.isEmpty()) {
                throw new ConfigurationException("interceptor key '" + TOPIC + "' must name the readings' Kafka topic, was empty");
            }
            String bodyValue = context.getString(BODY, "unchanged").trim();
            try {
                body = Body.valueOf(bodyValue.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("interceptor key '" + BODY + "' must be unchanged or json, was '" + bodyValue + "'");
            }
            name = context.getString(NAME, name).trim();
        }

        @Override
        public Interceptor build() {
            return new SensorReadingInterceptor(topic, body, "flume-agent interceptor " + name, new ReadingCounters(name));
        }
    }
}
