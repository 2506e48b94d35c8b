package io.datalakelab.iot.mqtt;

import io.datalakelab.iot.fleet.Emission;
import io.datalakelab.iot.fleet.ReadingOutput;
import io.datalakelab.iot.fleet.SimulatedDevice;
import io.datalakelab.iot.fleet.SimulatorConfig;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * The simulated fleet as MQTT devices ({@code output=mqtt}): each emission is published to
 * {@code <prefix>/<site>/<deviceId>} (QoS 1 by default) instead of produced into Kafka. Each producer thread of
 * {@link io.datalakelab.iot.fleet.SensorSimulator} has its own MQTT client; a publish counts as acknowledged when the
 * broker's PUBACK (PUBCOMP for QoS 2; for QoS 0, when it left the client) came back.
 */
public final class MqttOutput implements ReadingOutput {

    private static final Logger LOG = LoggerFactory.getLogger(MqttOutput.class);

    /**
     * Publishes a client keeps unacknowledged at most (Paho refuses more); the publisher waits for acknowledgements
     * beyond it, which is how a slow broker slows the fleet down instead of failing it.
     */
    static final int MAX_IN_FLIGHT = 1000;
    /** How long a publisher waits for its broker to come back (or for the last acknowledgements) before the run fails. */
    private static final Duration BROKER_WAIT = Duration.ofMinutes(2);

    private final SimulatorConfig config;

    public MqttOutput(SimulatorConfig config) {
        this.config = config;
    }

    /** Checks every device's topic name at once, so a bad prefix or site fails before anything is sent. */
    @Override
    public void prepare(io.datalakelab.iot.fleet.Fleet fleet) {
        for (SimulatedDevice device : fleet.devices()) {
            MqttTopics.readingTopic(config.mqttTopicPrefix(), device.siteName(), device.id());
        }
    }

    @Override
    public String destination() {
        return MqttTopics.subscription(config.mqttTopicPrefix()) + " on " + config.mqttBroker() + " (QoS " + config.mqttQos() + ")";
    }

    @Override
    public Channel open(int worker) throws MqttException {
        Connection connection = new Connection();
        MqttAsyncClient client = connect(worker, connection);
        Semaphore window = new Semaphore(MAX_IN_FLIGHT);
        return new Channel() {
            private boolean closed;

            @Override
            public void send(Emission emission, byte[] value, Consumer<Throwable> answered) throws InterruptedException {
                String site = emission instanceof Emission.Reading r ? r.reading().site() : ((Emission.Malformed) emission).basis().site();
                String topic = MqttTopics.readingTopic(config.mqttTopicPrefix(), site, emission.deviceId());
                window.acquire();
                IMqttActionListener outcome = new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        window.release();
                        answered.accept(null);
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable error) {
                        window.release();
                        answered.accept(new IllegalStateException("to " + topic + ": " + error, error));
                    }
                };
                publishOnce(client, connection, topic, value, outcome);
            }

            @Override
            public long finish() throws InterruptedException {
                if (window.tryAcquire(MAX_IN_FLIGHT, BROKER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    window.release(MAX_IN_FLIGHT);
                    return 0;
                }
                close();
                // After close no listener runs any more: what has not come back by now was not acknowledged.
                return MAX_IN_FLIGHT - window.availablePermits();
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    MqttOutput.close(client);
                }
            }
        };
    }

    private MqttAsyncClient connect(int worker, Connection connection) throws MqttException {
        // A clean session: the simulator stands for devices that keep no state across runs. What is in flight when the
        // connection drops is reported failed, never silently resent or dropped.
        String clientId = "sensor-simulator-" + ManagementFactory.getRuntimeMXBean().getPid() + "-" + worker;
        MqttAsyncClient client = new MqttAsyncClient(config.mqttBroker(), clientId, new MemoryPersistence());
        client.setCallback(connection);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(5_000);
        options.setMaxInflight(MAX_IN_FLIGHT);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        try {
            client.connect(options).waitForCompletion(Duration.ofSeconds(15).toMillis());
        } catch (MqttException e) {
            client.close();
            throw new IllegalStateException("cannot connect to the MQTT broker " + config.mqttBroker() + " (mqtt.broker): " + e.getMessage(), e);
        }
        connection.connected();
        return client;
    }

    /** Publishes, waiting for the broker when the connection is down; anything else Paho refuses counts as failed. */
    private void publishOnce(MqttAsyncClient client, Connection connection, String topic, byte[] payload, IMqttActionListener outcome)
            throws InterruptedException {
        while (true) {
            connection.awaitConnected(BROKER_WAIT, config.mqttBroker());
            try {
                client.publish(topic, payload, config.mqttQos(), false, null, outcome);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_CLIENT_NOT_CONNECTED) {
                    outcome.onFailure(null, e);
                    return;
                }
                connection.lost(e);
            }
        }
    }

    private static void close(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect(5_000).waitForCompletion(10_000);
            }
        } catch (MqttException e) {
            LOG.warn("disconnect from the MQTT broker failed ({}); closing anyway", e.getMessage());
            try {
                client.disconnectForcibly(0, 1_000, false);
            } catch (MqttException ignored) {
                // Closing a connection that is already gone: nothing is in flight any more, the counts are final.
            }
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.warn("closing the MQTT client failed: {}", e.getMessage());
        }
    }

    /** Whether the client is connected, for publishers to wait on while Paho reconnects. */
    private static final class Connection implements MqttCallbackExtended {

        private boolean up;

        synchronized void connected() {
            up = true;
            notifyAll();
        }

        synchronized void lost(Throwable cause) {
            if (up) {
                LOG.warn("lost the MQTT broker ({}); reconnecting, publishes in flight count as failed", cause == null ? "closed" : cause.getMessage());
            }
            up = false;
        }

        synchronized void awaitConnected(Duration timeout, String broker) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!up) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IllegalStateException("the MQTT broker " + broker + " (mqtt.broker) was unreachable for " + timeout);
                }
                wait(left);
            }
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            connected();
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost(cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // A publisher subscribes to nothing.
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // Counted by each publish's own listener.
        }
    }
}
