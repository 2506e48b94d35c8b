package io.datalakelab.bench;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import io.datalakelab.rdbms.BinlogPosition;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The second ceiling: the binlog client reads the range and every inserted row goes to Kafka at once through one
 * idempotent producer without transactions ({@code acks=all}, lz4, the capture's batch settings), as a change-event
 * shaped JSON value built by hand. No per-transaction grouping, no stored position: what Kafka on this machine allows.
 * Knows the benchmark table's five columns (id, a, b, c, d); keeps streaming until closed.
 */
final class RawBinlogToKafka implements AutoCloseable {

    private final BinaryLogClient client;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong firstAckedAt = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    RawBinlogToKafka(int databasePort, String bootstrapServers, Map<String, String> producerSettings, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.<String, Object>copyOf(producerSettings), new ByteArraySerializer(), new ByteArraySerializer());
        this.client = new BinaryLogClient("127.0.0.1", databasePort, "root", "");
        client.setServerId(6402);
        client.setKeepAlive(false);
        EventDeserializer deserializer = new EventDeserializer();
        deserializer.setCompatibilityMode(EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY,
                EventDeserializer.CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO);
        client.setEventDeserializer(deserializer);
        client.registerEventListener(event -> {
            EventType type = event.getHeader().getEventType();
            if (type == EventType.EXT_WRITE_ROWS || type == EventType.WRITE_ROWS) {
                EventHeaderV4 header = event.getHeader();
                for (Serializable[] row : ((WriteRowsEventData) event.getData()).getRows()) {
                    send(row, client.getBinlogFilename(), header.getPosition());
                }
            }
        });
    }

    /** The capture's producer settings without its transactional id: idempotent, acks=all, lz4, 512 KiB batches. */
    static Map<String, String> producerSettings(String bootstrapServers) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "1",
                ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024),
                ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    }

    private void send(Serializable[] row, String file, long position) {
        StringBuilder after = new StringBuilder(128).append("{\"id\":").append(row[0]).append(",\"a\":").append(row[1])
                .append(",\"b\":\"").append(new String((byte[]) row[2], StandardCharsets.UTF_8)).append("\",\"c\":\"")
                .append(((BigDecimal) row[3]).toPlainString()).append("\",\"d\":").append(row[4]).append('}');
        String value = "{\"before\":null,\"after\":" + after + ",\"op\":\"c\",\"ts_ms\":" + System.currentTimeMillis()
                + ",\"source\":{\"file\":\"" + file + "\",\"pos\":" + position + "}}";
        byte[] key = ("{\"id\":" + row[0] + "}").getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else if (acked.incrementAndGet() == 1) {
                firstAckedAt.set(System.nanoTime());
            }
        });
    }

    /** Connects and streams from {@code start} until closed. */
    void start(BinlogPosition start) throws Exception {
        client.setBinlogFilename(start.file());
        client.setBinlogPosition(start.position());
        client.connect(10_000);
    }

    /** System.nanoTime() of the first acknowledgement, or 0 before. */
    long firstAckedAt() {
        return firstAckedAt.get();
    }

    /** Rows Kafka acknowledged so far. */
    long acked() {
        return acked.get();
    }

    void awaitAcked(long count, Duration timeout) throws Exception {
        Measurements.awaitTrue("the raw read to have " + count + " rows acknowledged by Kafka", timeout, Duration.ofMillis(5), () -> {
            if (failure.get() != null) {
                throw new IllegalStateException("the raw read's producer failed: " + failure.get().getMessage(), failure.get());
            }
            return acked.get() >= count;
        });
    }

    @Override
    public void close() throws Exception {
        client.disconnect();
        producer.close(Duration.ofSeconds(10));
    }
}
