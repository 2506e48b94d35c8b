package io.datalakelab.iot.speed;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.topic.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The first step of the topology: decodes each value (JSON or Avro single-object) and forwards the reading stamped
 * with its event time, so that windows follow when devices measured, not when Kafka received. A value that is not
 * a reading, or a reading whose record key is not its device id, is forwarded as a dead letter with the reason,
 * source topic, partition and offset in its headers. Keys never change here, so the per-device windows downstream
 * need no repartition topic: readings are keyed by device id by contract, and a record that breaks the contract is
 * dead-lettered rather than counted under the wrong key.
 */
final class ReadingParser implements FixedKeyProcessor<String, byte[], ReadingParser.Parsed> {

    static final String REASON_HEADER = DeadLetterHeaders.REASON;
    static final String SOURCE_HEADER = DeadLetterHeaders.SOURCE;
    static final String SERVICE_HEADER = DeadLetterHeaders.SERVICE;

    /** Either a reading or, when {@code reading} is null, the raw value that failed. */
    record Parsed(SensorReading reading, byte[] raw) {
    }

    private final SpeedLayerMetrics metrics;
    private FixedKeyProcessorContext<String, Parsed> context;

    ReadingParser(SpeedLayerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Parsed> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        SensorReading reading;
        try {
            reading = SensorReadingCodec.decode(record.value());
        } catch (InvalidRecordException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        if (!reading.deviceId().equals(record.key())) {
            deadLetter(record, "record key " + (record.key() == null ? "null" : "'" + record.key() + "'")
                    + " is not the reading's deviceId '" + reading.deviceId() + "' (readings are keyed by device id)");
            return;
        }
        metrics.readingProcessed();
        context.forward(record.withValue(new Parsed(reading, null)).withTimestamp(reading.eventTime()));
    }

    private void deadLetter(FixedKeyRecord<String, byte[]> record, String reason) {
        metrics.deadLettered();
        String source = context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("unknown");
        FixedKeyRecord<String, Parsed> dead = record.withValue(new Parsed(null, record.value()))
                .withHeaders(new org.apache.kafka.common.header.internals.RecordHeaders(record.headers().toArray()));
        dead.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(SERVICE_HEADER, "speed-layer".getBytes(StandardCharsets.UTF_8));
        context.forward(dead);
    }
}
