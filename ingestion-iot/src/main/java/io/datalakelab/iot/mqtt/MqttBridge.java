package io.datalakelab.iot.mqtt;

import io.datalakelab.core.health.HealthCheck;
import io.datalakelab.core.health.HealthServer;
import io.datalakelab.core.kafka.ProducerDefaults;
import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.topic.DeadLetterHeaders;
import io.datalakelab.core.topic.TopicProvisioner;
import io.datalakelab.core.topic.TopicSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves readings from an MQTT broker into Kafka without losing one. It holds a persistent MQTT session (clean session
 * off, a fixed client id) subscribed to {@code <prefix>/#} with QoS 1 and acknowledges each message only after Kafka
 * acknowledged its record (idempotent producer, {@code acks=all}); until then the broker keeps the message and
 * redelivers it to the next connection of the session, so a crash of the bridge costs a redelivery, never a reading.
 *
 * <p>A reading goes to the readings topic with its payload unchanged and key = its device id. A payload that is not a
 * reading goes to the DLQ with the reason and the MQTT topic in its headers, and is acknowledged. A reading already
 * forwarded by this process (a redelivery after a reconnect, a device sending twice) is dropped and counted; see
 * {@link ForwardedSequences}. After a restart the memory is empty, so the at most {@code max_inflight_messages} readings
 * that were in Kafka but not yet acknowledged to the broker reach Kafka a second time, which the sink's audit sees by
 * their sequence numbers.
 *
 * <p>Acknowledgements go out in the order the messages arrived, as MQTT 3.1.1 asks, each once its own record and every
 * earlier one are safe.
 *
 * <p>Client library: Eclipse Paho ({@code org.eclipse.paho.client.mqttv3}) rather than the HiveMQ client. Paho is one
 * jar without dependencies (HiveMQ's brings Netty and RxJava onto a classpath shared with Kafka and Hadoop), is the
 * client the course's readers meet first, and its {@code setManualAcks}/{@code messageArrivedComplete} is exactly the
 * control this bridge needs: no PUBACK until Kafka has the record.
 */
public final class MqttBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttBridge.class);

    static final String REASON_HEADER = DeadLetterHeaders.REASON;
    static final String SOURCE_HEADER = DeadLetterHeaders.SOURCE;
    static final String SERVICE_HEADER = DeadLetterHeaders.SERVICE;
    static final String SERVICE = "mqtt-bridge";
    private static final int SUBSCRIPTION_QOS = 1;
    private static final Duration MQTT_TIMEOUT = Duration.ofSeconds(15);

    /** A reading as the deduplication knows it; the event time tells a redelivery from a restarted counter. */
    private record ReadingId(String deviceId, long sequence, long eventTime) {
        @Override
        public String toString() {
            return deviceId + " #" + sequence;
        }
    }

    /** One MQTT message not yet acknowledged, in arrival order; {@code connection} is the connection it came on. */
    private static final class Arrival {
        final int messageId;
        final int qos;
        final long connection;
        boolean safe;

        Arrival(int messageId, int qos, long connection) {
            this.messageId = messageId;
            this.qos = qos;
            this.connection = connection;
        }
    }

    private final MqttBridgeConfig config;
    private final PrometheusMeterRegistry registry = HealthServer.newRegistry();
    private final Counter forwarded;
    private final Counter duplicatesDropped;
    private final Counter deadLetters;
    private final Counter counterRestarts;

    /** Held by the MQTT callback thread for a whole message, so that a stop never interleaves with one. */
    private final Object arrivalLock = new Object();
    /** Guards the state below; taken by the MQTT callback thread and by Kafka's callbacks. */
    private final Object lock = new Object();
    private final ForwardedSequences sequences;
    /** Readings sent to Kafka and not acknowledged yet, with every arrival (first and redelivered) waiting on them. */
    private final Map<ReadingId, List<Arrival>> inKafkaFlight = new HashMap<>();
    private final ArrayDeque<Arrival> unacknowledged = new ArrayDeque<>();
    private long connection;
    /** Records handed to the producer whose outcome is not known yet. */
    private long sending;

    private volatile boolean accepting;
    private volatile boolean stopping;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private Admin admin;
    private KafkaProducer<String, byte[]> producer;
    private volatile MqttAsyncClient client;
    private HealthServer health;

    public MqttBridge(MqttBridgeConfig config) {
        this.config = config;
        this.sequences = new ForwardedSequences(config.dedupWindow());
        this.forwarded = Counter.builder("mqtt_bridge_forwarded_total").description("Readings written to Kafka and acknowledged to MQTT")
                .register(registry);
        this.duplicatesDropped = Counter.builder("mqtt_bridge_duplicates_dropped_total")
                .description("Readings this process had already forwarded (MQTT redeliveries, devices sending twice), dropped").register(registry);
        this.deadLetters = Counter.builder("mqtt_bridge_dead_letters_total").description("Payloads that were not readings, sent to the DLQ")
                .register(registry);
        this.counterRestarts = Counter.builder("mqtt_bridge_sequence_restarts_total")
                .description("Devices seen starting their sequence numbers again (a reset device, a new simulator run)").register(registry);
        Gauge.builder("mqtt_bridge_connected", () -> client != null && client.isConnected() ? 1 : 0)
                .description("1 while connected to the MQTT broker").register(registry);
        Gauge.builder("mqtt_bridge_unacknowledged", () -> {
            synchronized (lock) {
                return unacknowledged.size();
            }
        }).description("MQTT messages received and not yet acknowledged (waiting for Kafka)").register(registry);
    }

    /** Creates the topics if missing, connects to Kafka and the MQTT broker, and starts forwarding; fails naming what is unreachable. */
    public MqttBridge start() throws IOException, InterruptedException {
        try {
            startKafka();
            if (config.healthPort() >= 0) {
                health = new HealthServer(config.healthHost(), config.healthPort(), registry);
                health.register("mqtt", this::mqttHealth).register("kafka", this::kafkaHealth).register("bridge", this::bridgeHealth);
                LOG.info("health and metrics on http://{}:{}/health and /metrics", config.healthHost(), health.port());
            }
            startMqtt();
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private void startKafka() throws InterruptedException {
        TopicProvisioner.ensureFitted(config.bootstrapServers(), List.of(config.topic(), config.deadLetterTopic()));
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        admin = Admin.create(adminProps);
        producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
    }

    private void startMqtt() {
        String subscription = MqttTopics.subscription(config.mqttTopicPrefix());
        try {
            client = new MqttAsyncClient(config.mqttBroker(), config.mqttClientId(), new MemoryPersistence());
            // No PUBACK before Kafka has the record: the broker keeps every message this bridge has not made safe.
            client.setManualAcks(true);
            client.setCallback(new Callbacks());
            accepting = true;
            client.connect(connectOptions()).waitForCompletion(MQTT_TIMEOUT.toMillis());
        } catch (MqttException e) {
            throw new IllegalStateException("cannot connect to the MQTT broker " + config.mqttBroker() + " (mqtt.broker) as "
                    + config.mqttClientId() + ": " + e.getMessage(), e);
        }
        try {
            IMqttToken subscribed = client.subscribe(subscription, SUBSCRIPTION_QOS);
            subscribed.waitForCompletion(MQTT_TIMEOUT.toMillis());
            int granted = subscribed.getGrantedQos()[0];
            if (granted != SUBSCRIPTION_QOS) {
                throw new IllegalStateException("the MQTT broker " + config.mqttBroker() + " granted QoS " + granted + " for " + subscription
                        + " (128 = refused); the bridge needs QoS 1 to lose nothing");
            }
        } catch (MqttException e) {
            throw new IllegalStateException("cannot subscribe to " + subscription + " on " + config.mqttBroker() + ": " + e.getMessage(), e);
        }
        LOG.info("forwarding {} on {} (session {}) to {} on {}", subscription, config.mqttBroker(), config.mqttClientId(),
                config.topic().name(), config.bootstrapServers());
    }

    private MqttConnectOptions connectOptions() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(10_000);
        options.setConnectionTimeout((int) MQTT_TIMEOUT.toSeconds());
        options.setKeepAliveInterval(30);
        return options;
    }

    Properties producerProperties() {
        Properties p = ProducerDefaults.reliable(config.bootstrapServers(), SERVICE);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // While Kafka is down the producer keeps retrying and the messages wait, unacknowledged, at the MQTT broker:
        // an outage is a DOWN health status and a backlog, not a failed record.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.putAll(config.producerOverrides());
        return p;
    }

    private void onMessage(String topic, MqttMessage message) {
        synchronized (arrivalLock) {
            if (!accepting) {
                return; // left unacknowledged: the broker redelivers it to the next connection of the session
            }
            byte[] payload = message.getPayload();
            SensorReading reading;
            try {
                reading = SensorReadingCodec.decode(payload);
            } catch (InvalidRecordException e) {
                deadLetter(topic, message, payload, e.getMessage());
                return;
            } catch (RuntimeException e) {
                // Whatever a payload makes the decoder throw is that payload's problem, not a reason to stop the flow.
                deadLetter(topic, message, payload, "cannot decode: " + e);
                return;
            }
            ReadingId id = new ReadingId(reading.deviceId(), reading.sequence(), reading.eventTime());
            synchronized (lock) {
                Arrival arrival = arrive(message);
                List<Arrival> waiting = inKafkaFlight.get(id);
                if (waiting != null) {
                    // A redelivery of a reading still on its way to Kafka: acknowledged when that one is safe.
                    duplicatesDropped.increment();
                    waiting.add(arrival);
                    return;
                }
                switch (sequences.check(id.deviceId(), id.sequence(), id.eventTime())) {
                    case DUPLICATE -> {
                        duplicatesDropped.increment();
                        arrival.safe = true;
                        acknowledgeInOrder();
                        return;
                    }
                    case COUNTER_RESTARTED -> {
                        counterRestarts.increment();
                        LOG.info("{} sent #{} again with a later event time: its counter started again, forgetting what it sent before",
                                id.deviceId(), id.sequence());
                        sequences.restart(id.deviceId());
                    }
                    case NEW -> { }
                }
                inKafkaFlight.put(id, new ArrayList<>(List.of(arrival)));
            }
            send(new ProducerRecord<>(config.topic().name(), reading.deviceId(), payload), id + " from " + topic, () -> {
                List<Arrival> safe = inKafkaFlight.remove(id);
                sequences.forwarded(id.deviceId(), id.sequence(), id.eventTime());
                forwarded.increment();
                safe.forEach(a -> a.safe = true);
            });
        }
    }

    private void deadLetter(String topic, MqttMessage message, byte[] payload, String reason) {
        Arrival arrival;
        synchronized (lock) {
            arrival = arrive(message);
        }
        LOG.warn("payload on {} is not a reading, sent to {}: {}", topic, config.deadLetterTopic().name(), reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_HEADER, topic.getBytes(StandardCharsets.UTF_8));
        headers.add(SERVICE_HEADER, SERVICE.getBytes(StandardCharsets.UTF_8));
        String key = MqttTopics.deviceIdOf(config.mqttTopicPrefix(), topic);
        send(new ProducerRecord<>(config.deadLetterTopic().name(), null, key, payload, headers), "a dead letter from " + topic, () -> {
            deadLetters.increment();
            arrival.safe = true;
        });
    }

    /** Sends a record; once Kafka has it, {@code onSafe} runs under the lock and the acknowledgements that became due go out. */
    private void send(ProducerRecord<String, byte[]> record, String what, Runnable onSafe) {
        Callback callback = (metadata, error) -> {
            if (error != null) {
                fail(new IllegalStateException("Kafka did not take " + what + " for " + record.topic() + ": " + error, error));
            }
            synchronized (lock) {
                if (error == null) {
                    onSafe.run();
                    acknowledgeInOrder();
                }
                sending--;
                lock.notifyAll();
            }
        };
        synchronized (lock) {
            sending++;
        }
        try {
            producer.send(record, callback);
        } catch (RuntimeException e) {
            synchronized (lock) {
                sending--;
            }
            fail(new IllegalStateException("cannot send " + what + " to " + record.topic() + ": " + e, e));
        }
    }

    private Arrival arrive(MqttMessage message) {
        Arrival arrival = new Arrival(message.getId(), message.getQos(), connection);
        unacknowledged.addLast(arrival);
        return arrival;
    }

    /** Acknowledges, in arrival order, every message whose record is safe; stops at the first that is not. Under the lock. */
    private void acknowledgeInOrder() {
        while (!unacknowledged.isEmpty()) {
            Arrival head = unacknowledged.peekFirst();
            if (head.connection != connection) {
                unacknowledged.pollFirst(); // its connection is gone: the broker redelivers it on the new one
                continue;
            }
            if (!head.safe) {
                return;
            }
            unacknowledged.pollFirst();
            if (head.qos > 0) {
                try {
                    client.messageArrivedComplete(head.messageId, head.qos);
                } catch (MqttException e) {
                    // The connection dropped under us: the broker redelivers the message, and this process then drops
                    // it as a duplicate of the reading already in Kafka.
                    LOG.debug("acknowledging MQTT message {} failed: {}", head.messageId, e.getMessage());
                }
            }
        }
    }

    private void fail(Throwable error) {
        if (stopping || !failure.compareAndSet(null, error)) {
            return;
        }
        LOG.error("the bridge stops: {}. Messages not yet acknowledged stay with the MQTT broker for the next start.", error.getMessage(), error);
        accepting = false;
        synchronized (lock) {
            connection++; // nothing received so far is acknowledged any more
            unacknowledged.clear();
        }
        terminated.countDown();
    }

    /** Waits until the bridge stops by {@link #close()} or by a failure, which it returns ({@code null} after a close). */
    public Throwable awaitTermination() throws InterruptedException {
        terminated.await();
        return failure.get();
    }

    public boolean isConnected() {
        return client != null && client.isConnected();
    }

    public int healthPort() {
        return health == null ? -1 : health.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    long forwarded() {
        return (long) forwarded.count();
    }

    long duplicatesDropped() {
        return (long) duplicatesDropped.count();
    }

    long deadLetters() {
        return (long) deadLetters.count();
    }

    private HealthCheck.Status mqttHealth() {
        return isConnected()
                ? HealthCheck.Status.up("connected to " + config.mqttBroker() + " as " + config.mqttClientId() + ", subscribed to "
                + MqttTopics.subscription(config.mqttTopicPrefix()))
                : HealthCheck.Status.down("not connected to " + config.mqttBroker() + "; reconnecting (messages wait at the broker)");
    }

    private HealthCheck.Status kafkaHealth() {
        try {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000)).nodes().get(5, TimeUnit.SECONDS).size();
            return HealthCheck.Status.up(brokers + " brokers reachable at " + config.bootstrapServers());
        } catch (ExecutionException | TimeoutException e) {
            return HealthCheck.Status.down("cannot reach Kafka at " + config.bootstrapServers() + ": "
                    + (e.getCause() == null ? e : e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheck.Status.down("interrupted while asking Kafka");
        }
    }

    private HealthCheck.Status bridgeHealth() {
        Throwable failed = failure.get();
        if (failed != null) {
            return HealthCheck.Status.down("stopped: " + failed.getMessage());
        }
        int waiting;
        synchronized (lock) {
            waiting = unacknowledged.size();
        }
        return HealthCheck.Status.up(String.format("forwarded %.0f, duplicates dropped %.0f, dead letters %.0f, %d waiting for Kafka",
                forwarded.count(), duplicatesDropped.count(), deadLetters.count(), waiting));
    }

    /**
     * Stops cleanly: takes no new message, waits until Kafka has every record sent, acknowledges them, and leaves the
     * session (and the messages that arrived meanwhile) with the broker for the next start.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        stopAccepting();
        try {
            awaitKafka(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopping = true;
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnect(5_000).waitForCompletion(10_000);
                }
            } catch (MqttException e) {
                LOG.warn("disconnect from {} failed ({}); dropping the connection", config.mqttBroker(), e.getMessage());
                disconnectForcibly();
            }
        }
        release();
    }

    /**
     * Stops as a crash would: the MQTT connection drops without another acknowledgement and records not yet sent to Kafka
     * are abandoned. The broker redelivers everything unacknowledged to the next start. For tests of that promise.
     */
    void halt() {
        if (closed.getAndSet(true)) {
            return;
        }
        stopAccepting();
        stopping = true;
        synchronized (lock) {
            connection++;
            unacknowledged.clear();
        }
        if (client != null) {
            disconnectForcibly();
        }
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
        release();
    }

    /** Waits, up to {@code timeout}, for the outcome of every record sent; what is safe by then gets acknowledged. */
    private void awaitKafka(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (sending > 0 && failure.get() == null) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    LOG.warn("{} records still unacknowledged by Kafka after {}; their MQTT messages stay with the broker", sending, timeout);
                    return;
                }
                lock.wait(left);
            }
        }
    }

    private void stopAccepting() {
        synchronized (arrivalLock) {
            accepting = false;
        }
    }

    private void disconnectForcibly() {
        try {
            client.disconnectForcibly(0, 1_000, false);
        } catch (MqttException e) {
            LOG.debug("dropping the MQTT connection: {}", e.getMessage());
        }
    }

    private void release() {
        if (client != null) {
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.warn("closing the MQTT client failed: {}", e.getMessage());
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (health != null) {
            health.close();
        }
        terminated.countDown();
    }

    private final class Callbacks implements MqttCallbackExtended {

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (!reconnect) {
                return;
            }
            LOG.info("reconnected to {}; the broker redelivers what was not acknowledged", serverUri);
            // The session normally keeps the subscription; a broker restarted without persistence does not, and without it
            // nothing reaches the bridge while it looks healthy: a refusal stops the bridge.
            String subscription = MqttTopics.subscription(config.mqttTopicPrefix());
            IMqttActionListener outcome = new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int granted = token.getGrantedQos()[0];
                    if (granted != SUBSCRIPTION_QOS) {
                        fail(new IllegalStateException("after a reconnect the MQTT broker granted QoS " + granted + " for " + subscription));
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    fail(new IllegalStateException("cannot subscribe to " + subscription + " again after a reconnect: " + error, error));
                }
            };
            try {
                client.subscribe(subscription, SUBSCRIPTION_QOS, null, outcome);
            } catch (MqttException e) {
                outcome.onFailure(null, e);
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            synchronized (lock) {
                connection++;
                acknowledgeInOrder();
            }
            if (!stopping) {
                LOG.warn("lost the MQTT broker {} ({}); reconnecting", config.mqttBroker(), cause == null ? "closed" : cause.getMessage());
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            onMessage(topic, message);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // The bridge publishes nothing.
        }
    }
}
