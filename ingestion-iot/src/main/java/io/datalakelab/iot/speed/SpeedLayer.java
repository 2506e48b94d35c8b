package io.datalakelab.iot.speed;

import io.datalakelab.core.health.HealthCheck;
import io.datalakelab.core.health.HealthServer;
import io.datalakelab.core.topic.TopicProvisioner;
import io.datalakelab.core.topic.TopicSpec;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speed layer as a service: creates its output topics (by the platform's topic contract, fitted to the
 * cluster), runs the Kafka Streams topology, and reports its state on {@code /health} and Kafka Streams' and its own
 * metrics on {@code /metrics}.
 */
public final class SpeedLayer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpeedLayer.class);
    static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);

    private final SpeedLayerConfig config;
    private final PrometheusMeterRegistry registry = HealthServer.newRegistry();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private HealthServer health;

    public SpeedLayer(SpeedLayerConfig config) {
        this.config = config;
    }

    public SpeedLayer start() throws IOException, InterruptedException {
        ensureTopics();
        streams = new KafkaStreams(SpeedLayerTopology.build(config, new SpeedLayerMetrics(registry)), streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("speed layer stopped: {}", e.toString(), e);
            failure.compareAndSet(null, e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        if (config.healthPort() >= 0) {
            health = new HealthServer(config.healthHost(), config.healthPort(), registry);
            health.register("kafka-streams", this::streamsHealth);
            LOG.info("health and metrics on http://{}:{}/health and /metrics", config.healthHost(), health.port());
        }
        streams.start();
        return this;
    }

    /** Waits until every stream thread runs its tasks. */
    public void awaitRunning(Instant deadline) throws InterruptedException {
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("the speed layer did not start: " + streams.state()
                        + (failure.get() == null ? "" : " (" + failure.get() + ")"));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the speed layer is still " + streams.state() + " at the deadline");
            }
            Thread.sleep(100);
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public int healthPort() {
        return health == null ? -1 : health.port();
    }

    private HealthCheck.Status streamsHealth() {
        KafkaStreams.State state = streams.state();
        if (failure.get() != null) {
            return HealthCheck.Status.down("stopped: " + failure.get());
        }
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
                ? HealthCheck.Status.up(state + ", reading " + config.inputTopic())
                : HealthCheck.Status.down(state.toString());
    }

    Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee().name().toLowerCase(java.util.Locale.ROOT));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        // Internal topics (changelogs, the by-site repartition topic) follow the same replication as the outputs.
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Integer.toString(-1));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // Exactly once commits a transaction per interval; Kafka Streams' 100 ms default held the speed layer to a third
        // of its throughput (docs/benchmarks.md). A second is still far below the one-minute windows.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(DEFAULT_COMMIT_INTERVAL.toMillis()));
        p.putAll(config.streamsOverrides());
        return p;
    }

    private void ensureTopics() throws InterruptedException {
        TopicProvisioner.ensureFitted(config.bootstrapServers(), List.of(config.alertsTopic(), config.aggregatesTopic("device"),
                        config.aggregatesTopic("site"), config.deadLetterTopic()).stream()
                .map(topic -> new TopicSpec(topic, config.topicPartitions(), config.topicReplication(), Math.min(2, config.topicReplication()),
                        config.topicRetention()))
                .toList());
    }

    @Override
    public void close() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (health != null) {
            health.close();
        }
    }
}
