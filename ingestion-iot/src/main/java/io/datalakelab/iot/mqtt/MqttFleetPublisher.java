package io.datalakelab.iot.mqtt;

import io.datalakelab.iot.fleet.Emission;
import io.datalakelab.iot.fleet.FaultSpec;
import io.datalakelab.iot.fleet.Fleet;
import io.datalakelab.iot.fleet.FleetSchedule;
import io.datalakelab.iot.fleet.RatePacer;
import io.datalakelab.iot.fleet.SimulatedDevice;
import io.datalakelab.iot.fleet.SimulationReport;
import io.datalakelab.iot.fleet.SimulationRun;
import io.datalakelab.iot.fleet.SimulatorConfig;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
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
 * The simulated fleet as MQTT devices: the same devices, schedule, pacing and faults as {@link
 * io.datalakelab.iot.fleet.SensorSimulator}, but each emission is published to {@code <prefix>/<site>/<deviceId>}
 * on an MQTT broker (QoS 1 by default) instead of produced into Kafka. N publisher threads each have their own MQTT
 * client and their share of the devices; a publish counts as acknowledged when the broker's PUBACK (PUBCOMP for QoS
 * 2; for QoS 0, when it left the client) came back. At the end every offline device reconnects and sends what it
 * buffered, and the run waits for every acknowledgement, so every sequence number measured reaches the broker.
 */
public final class MqttFleetPublisher implements SimulationRun {

    private static final Logger LOG = LoggerFactory.getLogger(MqttFleetPublisher.class);

    /**
     * Publishes a client keeps unacknowledged at most (Paho refuses more); the publisher waits for acknowledgements
     * beyond it, which is how a slow broker slows the fleet down instead of failing it.
     */
    static final int MAX_IN_FLIGHT = 1000;
    /** How long a publisher waits for its broker to come back (or for the last acknowledgements) before the run fails. */
    private static final Duration BROKER_WAIT = Duration.ofMinutes(2);

    private final SimulatorConfig config;
    private final PrintStream progress;
    private final Fleet fleet;
    private volatile boolean stopRequested;

    private final LongAdder readingsSent = new LongAdder();
    private final LongAdder lateSent = new LongAdder();
    private final LongAdder malformedSent = new LongAdder();
    private final LongAdder readingsAcked = new LongAdder();
    private final LongAdder malformedAcked = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicLong lastAck = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(3_600_000_000L, 3);

    /** @param progress where progress lines go (stderr for the command); {@code null} for none */
    public MqttFleetPublisher(SimulatorConfig config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
        this.fleet = new Fleet(config.fleet(), config.devices());
        for (SimulatedDevice device : fleet.devices()) {
            MqttTopics.readingTopic(config.mqttTopicPrefix(), device.siteName(), device.id());
        }
    }

    @Override
    public Fleet fleet() {
        return fleet;
    }

    @Override
    public void stop() {
        stopRequested = true;
    }

    /** Readings the broker has acknowledged so far (tests follow a run in flight with it). */
    public long readingsAcknowledged() {
        return readingsAcked.sum();
    }

    @Override
    public SimulationReport run() throws InterruptedException {
        if (!config.isBounded() && progress == null) {
            throw new IllegalStateException("an unbounded run needs records, duration or stop()");
        }
        long firstSend = System.currentTimeMillis();
        long scheduleStart = config.clock() == SimulatorConfig.Clock.SIMULATED && config.clockStart() != null
                ? config.clockStart().toEpochMilli() : firstSend;
        long deadlineNanos = config.duration().isZero() ? Long.MAX_VALUE : System.nanoTime() + config.duration().toNanos();
        int publishers = Math.min(config.producers(), fleet.devices().size());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> crashes = Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < publishers; w++) {
            long quota = config.records() == 0 ? Long.MAX_VALUE : config.records() / publishers + (w < config.records() % publishers ? 1 : 0);
            List<SimulatedDevice> share = fleet.shareOf(w, publishers);
            int worker = w;
            Thread t = new Thread(() -> {
                try {
                    publish(worker, publishers, share, quota, scheduleStart, deadlineNanos);
                } catch (Throwable e) {
                    crashes.add(e);
                    stopRequested = true;
                }
            }, "mqtt-publisher-" + w);
            threads.add(t);
            t.start();
        }
        ScheduledExecutorService ticker = startProgress();
        try {
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            if (ticker != null) {
                ticker.shutdownNow();
            }
        }
        if (!crashes.isEmpty()) {
            throw new IllegalStateException("an MQTT publisher thread failed: " + crashes.get(0).getMessage(), crashes.get(0));
        }
        return report(publishers, firstSend);
    }

    private void publish(int worker, int publishers, List<SimulatedDevice> devices, long quota, long scheduleStart, long deadlineNanos)
            throws MqttException, InterruptedException {
        FleetSchedule schedule = new FleetSchedule(devices, scheduleStart);
        RatePacer pacer = new RatePacer(config.rate().share(publishers), config.burstFactor(), config.burstEvery(), config.burstLength(),
                scheduleStart);
        FaultSpec faults = config.fleet().faults();
        List<Emission> out = new ArrayList<>();
        Connection connection = new Connection();
        MqttAsyncClient client = connect(worker, connection);
        Semaphore window = new Semaphore(MAX_IN_FLIGHT);
        try {
            long measured = 0;
            while (measured < quota && !stopRequested && System.nanoTime() < deadlineNanos) {
                FleetSchedule.Slot slot = schedule.next();
                pacer.awaitTurn(slot.dueMs());
                long clockTime = config.clock() == SimulatorConfig.Clock.SIMULATED ? slot.dueMs() : System.currentTimeMillis();
                long before = slot.device().readingsMeasured();
                slot.device().tick(clockTime, faults, out);
                measured += slot.device().readingsMeasured() - before;
                send(client, connection, window, out);
            }
            for (SimulatedDevice device : devices) {
                device.reconnect(out);
            }
            send(client, connection, window, out);
            if (window.tryAcquire(MAX_IN_FLIGHT, BROKER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                window.release(MAX_IN_FLIGHT);
            }
        } finally {
            close(client);
            // After close no listener runs any more: what has not come back by now was not acknowledged.
            int unanswered = MAX_IN_FLIGHT - window.availablePermits();
            if (unanswered > 0) {
                failed.add(unanswered);
                firstError.compareAndSet(null, unanswered + " publishes unacknowledged by " + config.mqttBroker() + " after " + BROKER_WAIT);
            }
        }
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

    private void send(MqttAsyncClient client, Connection connection, Semaphore window, List<Emission> emissions)
            throws InterruptedException, MqttException {
        for (Emission emission : emissions) {
            byte[] payload;
            boolean isReading = emission instanceof Emission.Reading;
            String site;
            if (emission instanceof Emission.Reading r) {
                payload = config.encoding().encode(r.reading());
                site = r.reading().site();
                readingsSent.increment();
                if (r.late()) {
                    lateSent.increment();
                }
            } else {
                Emission.Malformed m = (Emission.Malformed) emission;
                payload = config.encoding().encodeMalformed(m.kind(), m.basis());
                site = m.basis().site();
                malformedSent.increment();
            }
            String topic = MqttTopics.readingTopic(config.mqttTopicPrefix(), site, emission.deviceId());
            window.acquire();
            long sentNanos = System.nanoTime();
            IMqttActionListener outcome = new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    latencyMicros.recordValue(Math.max(0, (System.nanoTime() - sentNanos) / 1000));
                    (isReading ? readingsAcked : malformedAcked).increment();
                    lastAck.accumulateAndGet(System.currentTimeMillis(), Math::max);
                    window.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    failed.increment();
                    firstError.compareAndSet(null, describe(emission) + " to " + topic + ": " + error);
                    window.release();
                }
            };
            publishOnce(client, connection, topic, payload, outcome);
        }
        emissions.clear();
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

    private static String describe(Emission emission) {
        return emission instanceof Emission.Reading r ? r.deviceId() + " #" + r.reading().sequence()
                : emission.deviceId() + " malformed " + ((Emission.Malformed) emission).kind();
    }

    private ScheduledExecutorService startProgress() {
        if (progress == null || config.progressInterval().isZero()) {
            return null;
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-publisher-progress");
            t.setDaemon(true);
            return t;
        });
        long every = config.progressInterval().toMillis();
        AtomicLong previous = new AtomicLong();
        ticker.scheduleAtFixedRate(() -> {
            long acked = readingsAcked.sum();
            progress.printf("sensor-simulator: %,d published, %,d acknowledged by the broker, %,d failed, %,.0f/s, p99 %.1f ms%n",
                    readingsSent.sum(), acked, failed.sum(), (acked - previous.getAndSet(acked)) * 1000.0 / every,
                    latencyMicros.getValueAtPercentile(99) / 1000.0);
        }, every, every, TimeUnit.MILLISECONDS);
        return ticker;
    }

    private SimulationReport report(int publishers, long firstSend) {
        SimulationReport.Latency latency = new SimulationReport.Latency(latencyMicros.getValueAtPercentile(50) / 1000.0,
                latencyMicros.getValueAtPercentile(95) / 1000.0, latencyMicros.getValueAtPercentile(99) / 1000.0,
                latencyMicros.getMaxValue() / 1000.0);
        String destination = MqttTopics.subscription(config.mqttTopicPrefix()) + " on " + config.mqttBroker() + " (QoS " + config.mqttQos() + ")";
        return new SimulationReport(destination, config.encoding().name().toLowerCase(Locale.ROOT), publishers, fleet.devices().size(),
                readingsSent.sum(), lateSent.sum(), malformedSent.sum(), readingsAcked.sum(), malformedAcked.sum(), failed.sum(), firstSend,
                lastAck.get(), latency, firstError.get());
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
