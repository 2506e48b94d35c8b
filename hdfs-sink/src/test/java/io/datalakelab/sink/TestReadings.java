package io.datalakelab.sink;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes sensor readings with per-device sequence numbers, the way the fleet does, for sink tests. */
final class TestReadings {

    private TestReadings() {
    }

    static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // One request in flight: these tests exercise the sink. Under CI load an idempotent producer with
        // several in flight was seen stuck in OUT_OF_ORDER_SEQUENCE retries after a NOT_LEADER answer on a
        // new topic until its delivery timeout (a producer matter, noted as follow-up work).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Sends {@code count} readings round-robin over {@code devices} devices of {@code site}, sequences from 1,
     * and fails if Kafka did not acknowledge every one: a test must not blame the sink for the producer's loss.
     */
    static void send(String bootstrapServers, String topic, String site, int devices, int count, long eventTime) throws Exception {
        send(bootstrapServers, topic, site, devices, count, eventTime, SensorReadingCodec::toJson);
    }

    /** As {@link #send(String, String, String, int, int, long)}, each value encoded by {@code encode}. */
    static void send(String bootstrapServers, String topic, String site, int devices, int count, long eventTime,
                     Function<SensorReading, byte[]> encode) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>(count);
        try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
            long[] next = new long[devices];
            for (int i = 0; i < count; i++) {
                int d = i % devices;
                SensorReading reading = new SensorReading(site + "-sensor-" + d, "thermometer", site, eventTime + i, ++next[d],
                        Map.of("temperature", 20.0 + (i % 10)));
                acks.add(producer.send(new ProducerRecord<>(topic, reading.deviceId(), encode.apply(reading))));
            }
            producer.flush();
        }
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("reading " + i + " of " + site + " was not acknowledged by Kafka", e.getCause());
            }
        }
    }
}
