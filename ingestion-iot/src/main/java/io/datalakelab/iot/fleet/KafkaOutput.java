package io.datalakelab.iot.fleet;

import io.datalakelab.core.kafka.ProducerDefaults;
import io.datalakelab.core.topic.TopicProvisioner;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The simulator's Kafka output: one idempotent producer ({@code acks=all}) per thread, so a retry never duplicates
 * or reorders a device's readings within its partition. Creates the topic by the contract if it is missing.
 */
public final class KafkaOutput implements ReadingOutput {

    private final SimulatorConfig config;

    public KafkaOutput(SimulatorConfig config) {
        this.config = config;
    }

    @Override
    public String destination() {
        return config.topic().name();
    }

    @Override
    public void prepare(Fleet fleet) throws InterruptedException {
        TopicProvisioner.ensureFitted(config.bootstrapServers(), java.util.List.of(config.topic()));
    }

    @Override
    public Channel open(int worker) {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(worker), new StringSerializer(), new ByteArraySerializer());
        return new Channel() {
            @Override
            public void send(Emission emission, byte[] value, Consumer<Throwable> answered) {
                producer.send(new ProducerRecord<>(config.topic().name(), emission.deviceId(), value), (metadata, error) -> answered.accept(error));
            }

            @Override
            public long finish() {
                producer.flush(); // every callback has run when flush returns
                return 0;
            }

            @Override
            public void close() {
                producer.close();
            }
        };
    }

    Properties producerProperties(int worker) {
        Properties p = ProducerDefaults.reliable(config.bootstrapServers(), "sensor-simulator-" + worker);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Duration.ofMinutes(2).toMillis()));
        p.putAll(config.producerOverrides());
        return p;
    }
}
