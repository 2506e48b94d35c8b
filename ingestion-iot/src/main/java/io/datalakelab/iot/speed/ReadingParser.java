package io.datalakelab.iot.speed;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The first step of the topology: decodes each value (JSON or Avro single-object) and forwards the reading stamped
 * with its event time, so that windows follow when devices measured, not when Kafka received. A value that is not
 * a reading is forwarded as a dead letter with the reason, source topic, partition and offset in its headers.
 */
final class ReadingParser implements Processor<String, byte[], String, ReadingParser.Parsed> {

    static final String REASON_HEADER = "dlq.reason";
    static final String SOURCE_HEADER = "dlq.source";
    static final String SERVICE_HEADER = "dlq.service";

    /** Either a reading or, when {@code reading} is null, the raw value that failed. */
    record Parsed(SensorReading reading, byte[] raw) {
    }

    private final SpeedLayerMetrics metrics;
    private ProcessorContext<String, Parsed> context;

    ReadingParser(SpeedLayerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Parsed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            SensorReading reading = SensorReadingCodec.decode(record.value());
            metrics.readingProcessed();
            context.forward(new Record<>(record.key(), new Parsed(reading, null), reading.eventTime(), record.headers()));
        } catch (InvalidRecordException e) {
            metrics.deadLettered();
            String source = context.recordMetadata()
                    .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("unknown");
            Record<String, Parsed> dead = new Record<>(record.key(), new Parsed(null, record.value()), record.timestamp(), record.headers());
            dead.headers().add(REASON_HEADER, e.getMessage().getBytes(StandardCharsets.UTF_8));
            dead.headers().add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
            dead.headers().add(SERVICE_HEADER, "speed-layer".getBytes(StandardCharsets.UTF_8));
            context.forward(dead);
        }
    }
}
