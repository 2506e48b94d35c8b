package io.datalakelab.iot.speed;

import static io.datalakelab.core.config.ConfigRule.atLeast;
import static io.datalakelab.core.config.ConfigRule.between;
import static io.datalakelab.core.config.ConfigRule.nonBlank;
import static io.datalakelab.core.config.ConfigRule.positiveDuration;

import io.datalakelab.core.config.ConfigException;
import io.datalakelab.core.config.ConfigKey;
import io.datalakelab.core.config.ConfigRule;
import io.datalakelab.core.config.ConfigSpec;
import io.datalakelab.core.config.ConfigType;
import io.datalakelab.core.config.ConfigValues;
import io.datalakelab.core.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The speed layer's configuration, declared once: keys, defaults, rules and meaning. */
public record SpeedLayerConfig(String bootstrapServers, String applicationId, String inputTopic, String alertsTopic,
                               String aggregatesTopicPrefix, String deadLetterTopic, AlertRules rules, Duration windowSize,
                               Duration windowGrace, AggregateEmit aggregatesEmit, Guarantee processingGuarantee, String stateDir,
                               int topicPartitions, short topicReplication, Duration topicRetention, String healthHost, int healthPort,
                               Map<String, String> streamsOverrides) {

    /** When a window's aggregate is written: once when the window closes (after the grace), or at every commit while it is open. */
    public enum AggregateEmit { ON_CLOSE, ON_UPDATE }

    public enum Guarantee { EXACTLY_ONCE_V2, AT_LEAST_ONCE }

    public static final ConfigSpec SPEC = new ConfigSpec("speed-layer", "SPEED_").passThrough("kafka.");

    static final ConfigKey<String> BOOTSTRAP_SERVERS = SPEC.define(ConfigKey.of("bootstrap.servers", ConfigType.STRING,
            "localhost:9092", nonBlank(), "Kafka brokers to connect to, host:port comma separated."));
    static final ConfigKey<String> APPLICATION_ID = SPEC.define(ConfigKey.of("application.id", ConfigType.STRING,
            "speed-layer", nonBlank(), "Kafka Streams application id: consumer group, transactional ids and internal topic names derive from it."));
    static final ConfigKey<String> INPUT = SPEC.define(ConfigKey.of("input.topic", ConfigType.STRING,
            Topics.SENSOR_READINGS, nonBlank(), "Topic of sensor readings (JSON or Avro single-object), key = device id."));
    static final ConfigKey<String> ALERTS = SPEC.define(ConfigKey.of("alerts.topic", ConfigType.STRING,
            Topics.ALERTS, nonBlank(), "Where alerts go (JSON, key = device id)."));
    static final ConfigKey<String> AGGREGATES = SPEC.define(ConfigKey.of("aggregates.topic.prefix", ConfigType.STRING,
            Topics.AGGREGATES_PREFIX, nonBlank(), "Aggregates go to <prefix>device-<window> and <prefix>site-<window> (e.g. iot.aggregates.device-1m)."));
    static final ConfigKey<String> DLQ = SPEC.define(ConfigKey.of("dlq.topic", ConfigType.STRING,
            "", "Where values that are not readings go, with the reason in header dlq.reason; empty = <input.topic>.dlq."));
    static final ConfigKey<String> RULES = SPEC.define(ConfigKey.of("rules", ConfigType.STRING,
            "", "Alert rules file (YAML); empty = the built-in rules/default.yaml (weight > 80, BMI > 35, thresholds, anomalies, stuck sensors)."));
    static final ConfigKey<Duration> WINDOW_SIZE = SPEC.define(ConfigKey.of("window.size", ConfigType.DURATION,
            Duration.ofMinutes(1), positiveDuration(), "Size of the tumbling windows of the aggregates (event time)."));
    static final ConfigKey<Duration> WINDOW_GRACE = SPEC.define(ConfigKey.of("window.grace", ConfigType.DURATION,
            Duration.ofSeconds(30), new ConfigRule<>("zero or positive", d -> !d.isNegative()),
            "How late a reading may arrive (after the window's end, in stream time) and still count; later ones are dropped and counted in Kafka Streams' dropped-records metric."));
    static final ConfigKey<AggregateEmit> EMIT = SPEC.define(ConfigKey.of("aggregates.emit", ConfigType.enumOf(AggregateEmit.class),
            AggregateEmit.ON_CLOSE, "on_close: one final record per window, after its grace; on_update: a record at every commit while the window is open (the latest per key and window wins)."));
    static final ConfigKey<Guarantee> GUARANTEE = SPEC.define(ConfigKey.of("processing.guarantee", ConfigType.enumOf(Guarantee.class),
            Guarantee.EXACTLY_ONCE_V2, "exactly_once_v2: alerts, aggregates, state and offsets commit in one transaction; at_least_once: faster, may repeat after a crash."));
    static final ConfigKey<String> STATE_DIR = SPEC.define(ConfigKey.of("state.dir", ConfigType.STRING,
            "", "Directory of the local state stores; empty = <java.io.tmpdir>/speed-layer."));
    static final ConfigKey<Integer> PARTITIONS = SPEC.define(ConfigKey.of("topic.partitions", ConfigType.INT,
            6, atLeast(1), "Partitions of the output topics when the speed layer creates them."));
    static final ConfigKey<Integer> REPLICATION = SPEC.define(ConfigKey.of("topic.replication.factor", ConfigType.INT,
            3, between(1, 32), "Replication factor of the output topics it creates (clamped to the number of brokers)."));
    static final ConfigKey<Duration> RETENTION = SPEC.define(ConfigKey.of("topic.retention", ConfigType.DURATION,
            Duration.ofDays(7), positiveDuration(), "retention.ms of the output topics it creates."));
    static final ConfigKey<String> HEALTH_HOST = SPEC.define(ConfigKey.of("health.host", ConfigType.STRING,
            "127.0.0.1", nonBlank(), "Address of the /health and /metrics endpoint."));
    static final ConfigKey<Integer> HEALTH_PORT = SPEC.define(ConfigKey.of("health.port", ConfigType.INT,
            8084, between(-1, 65535), "Port of the /health and /metrics endpoint; 0 = any free port, -1 = none."));

    public static SpeedLayerConfig from(ConfigValues values) {
        AlertRules rules;
        try {
            rules = values.get(RULES).isBlank() ? AlertRules.builtIn() : AlertRules.load(Path.of(values.get(RULES)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RULES.name(), e.getMessage());
        }
        String input = Topics.requireLegal(values.get(INPUT));
        String dlq = values.get(DLQ).isBlank() ? Topics.deadLetterQueueOf(input) : values.get(DLQ);
        String stateDir = values.get(STATE_DIR).isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "speed-layer").toString() : values.get(STATE_DIR);
        return new SpeedLayerConfig(values.get(BOOTSTRAP_SERVERS), values.get(APPLICATION_ID), input, values.get(ALERTS),
                values.get(AGGREGATES), dlq, rules, values.get(WINDOW_SIZE), values.get(WINDOW_GRACE), values.get(EMIT),
                values.get(GUARANTEE), stateDir, values.get(PARTITIONS), values.get(REPLICATION).shortValue(), values.get(RETENTION),
                values.get(HEALTH_HOST), values.get(HEALTH_PORT), values.withPrefix("kafka."));
    }

    /** {@code iot.aggregates.device-1m}, {@code iot.aggregates.site-1m}: level and window size in the name. */
    public String aggregatesTopic(String level) {
        return Topics.requireLegal(aggregatesTopicPrefix + level + "-" + ConfigType.DURATION.format(windowSize));
    }
}
