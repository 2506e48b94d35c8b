package io.datalakelab.sink.dlq;

import io.datalakelab.core.kafka.ProducerDefaults;
import io.datalakelab.core.topic.DeadLetterHeaders;
import io.datalakelab.core.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records the sink cannot write to {@code <topic>.dlq}, unchanged, with headers saying why and where
 * they came from. The send is synchronous: the record's offset is only counted as handled once the DLQ has it.
 */
public final class DeadLetterQueue implements AutoCloseable {

    public static final String HEADER_REASON = DeadLetterHeaders.REASON;
    public static final String HEADER_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
    public static final String HEADER_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
    public static final String HEADER_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;

    private final KafkaProducer<byte[], byte[]> producer;

    public DeadLetterQueue(String bootstrapServers, Map<String, String> overrides) {
        Properties p = ProducerDefaults.reliable(bootstrapServers, "hdfs-sink-dlq");
        p.putAll(overrides);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public void send(ConsumerRecord<byte[], byte[]> record, String reason) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(HEADER_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_PARTITION, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_OFFSET, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        String dlqTopic = Topics.deadLetterQueueOf(record.topic());
        try {
            producer.send(new ProducerRecord<>(dlqTopic, null, record.key(), record.value(), headers)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + record.topic() + "-" + record.partition() + "@" + record.offset() + " to " + dlqTopic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot send " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " to " + dlqTopic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
