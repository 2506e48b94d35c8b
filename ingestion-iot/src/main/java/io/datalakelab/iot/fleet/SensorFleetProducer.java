package io.datalakelab.iot.fleet;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.topic.TopicProvisioner;
import io.datalakelab.core.topic.TopicSpec;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the fleet's readings to Kafka with an idempotent producer ({@code acks=all}), so that retries never
 * duplicate and never reorder a device's readings within its partition.
 */
public final class SensorFleetProducer {

    private static final Logger LOG = LoggerFactory.getLogger(SensorFleetProducer.class);

    private final SensorFleetConfig config;

    public SensorFleetProducer(SensorFleetConfig config) {
        this.config = config;
    }

    /** Creates the topic if missing (fitted to the cluster's size), sends every reading, and waits for every acknowledgement. */
    public FleetRunReport run() throws InterruptedException {
        ensureTopic();
        SensorFleet fleet = new SensorFleet(config.site(), config.devices(), config.deviceTypes(), config.site().hashCode());
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long firstSend = System.currentTimeMillis();
        long pacingStart = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < config.records(); i++) {
                pace(i, pacingStart);
                SensorReading reading = fleet.nextReading(System.currentTimeMillis());
                producer.send(new ProducerRecord<>(config.topic().name(), reading.deviceId(), SensorReadingCodec.toJson(reading)),
                        (metadata, error) -> {
                            if (error == null) {
                                acknowledged.incrementAndGet();
                                lastAck.accumulateAndGet(System.currentTimeMillis(), Math::max);
                            } else {
                                failed.incrementAndGet();
                                firstError.compareAndSet(null, reading.deviceId() + " #" + reading.sequence() + ": " + error);
                            }
                        });
            }
            producer.flush();
        }
        return new FleetRunReport(config.topic().name(), config.site(), config.devices(), config.records(), acknowledged.get(),
                failed.get(), firstSend, lastAck.get(), firstError.get());
    }

    private void pace(long sent, long startNanos) throws InterruptedException {
        if (config.ratePerSecond() <= 0) {
            return;
        }
        long dueNanos = startNanos + (long) (sent * 1_000_000_000L / config.ratePerSecond());
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    private void ensureTopic() throws InterruptedException {
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (Admin admin = Admin.create(adminProps)) {
            int brokers;
            try {
                brokers = admin.describeCluster().nodes().get().size();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("cannot reach Kafka at " + config.bootstrapServers() + ": " + e.getCause().getMessage(), e);
            }
            TopicSpec fitted = config.topic().forBrokers(brokers);
            String difference = new TopicProvisioner(admin).ensure(fitted);
            if (!difference.isEmpty()) {
                LOG.warn(difference);
            }
        }
    }

    Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Duration.ofMinutes(2).toMillis()));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sensor-fleet-" + config.site());
        p.putAll(config.producerOverrides());
        return p;
    }
}
