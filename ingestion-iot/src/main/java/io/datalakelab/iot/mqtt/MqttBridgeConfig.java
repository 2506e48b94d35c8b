package io.datalakelab.iot.mqtt;

import static io.datalakelab.core.config.ConfigRule.atLeast;
import static io.datalakelab.core.config.ConfigRule.between;
import static io.datalakelab.core.config.ConfigRule.nonBlank;
import static io.datalakelab.core.config.ConfigRule.positiveDuration;

import io.datalakelab.core.config.ConfigException;
import io.datalakelab.core.config.ConfigKey;
import io.datalakelab.core.config.ConfigSpec;
import io.datalakelab.core.config.ConfigType;
import io.datalakelab.core.config.ConfigValues;
import io.datalakelab.core.topic.TopicSpec;
import io.datalakelab.core.topic.Topics;
import java.time.Duration;
import java.util.Map;

/** The MQTT bridge's configuration, declared once: keys, defaults, rules and meaning. */
public record MqttBridgeConfig(String mqttBroker, String mqttTopicPrefix, String mqttClientId, String bootstrapServers,
                               TopicSpec topic, TopicSpec deadLetterTopic, int dedupWindow, String healthHost, int healthPort,
                               Map<String, String> producerOverrides) {

    public static final ConfigSpec SPEC = new ConfigSpec("mqtt-bridge", "MQTT_BRIDGE_").passThrough("kafka.");

    static final ConfigKey<String> MQTT_BROKER = SPEC.define(ConfigKey.of("mqtt.broker", ConfigType.STRING,
            MqttTopics.DEFAULT_BROKER, MqttTopics.brokerUri(), "MQTT broker the devices publish to."));
    static final ConfigKey<String> MQTT_TOPIC_PREFIX = SPEC.define(ConfigKey.of("mqtt.topic.prefix", ConfigType.STRING,
            MqttTopics.DEFAULT_PREFIX, MqttTopics.topicPrefix(), "The bridge subscribes to `<prefix>/#` with QoS 1; devices publish to `<prefix>/<site>/<deviceId>`."));
    static final ConfigKey<String> MQTT_CLIENT_ID = SPEC.define(ConfigKey.of("mqtt.client.id", ConfigType.STRING,
            "mqtt-bridge", nonBlank(), "Client id of the bridge's persistent MQTT session (clean session off): the broker queues readings for it while it is down. One running bridge per id."));
    static final ConfigKey<String> BOOTSTRAP_SERVERS = SPEC.define(ConfigKey.of("bootstrap.servers", ConfigType.STRING,
            "localhost:9092", nonBlank(), "Kafka brokers to connect to, host:port comma separated."));
    static final ConfigKey<String> TOPIC = SPEC.define(ConfigKey.of("topic", ConfigType.STRING,
            Topics.SENSOR_READINGS, nonBlank(), "Topic the readings are written to, payload unchanged; key = device id."));
    static final ConfigKey<String> DLQ = SPEC.define(ConfigKey.of("dlq.topic", ConfigType.STRING,
            "", "Where payloads that are not readings go, with headers dlq.reason, dlq.source (the MQTT topic) and dlq.service; empty = `<topic>.dlq`."));
    static final ConfigKey<Integer> TOPIC_PARTITIONS = SPEC.define(ConfigKey.of("topic.partitions", ConfigType.INT,
            6, atLeast(1), "Partitions of the topic and its DLQ when the bridge creates them."));
    static final ConfigKey<Integer> TOPIC_REPLICATION = SPEC.define(ConfigKey.of("topic.replication.factor", ConfigType.INT,
            3, between(1, 32), "Replication factor when the bridge creates the topics (clamped to the number of brokers)."));
    static final ConfigKey<Integer> TOPIC_MIN_ISR = SPEC.define(ConfigKey.of("topic.min.insync.replicas", ConfigType.INT,
            2, atLeast(1), "min.insync.replicas of the topics the bridge creates (clamped to the replication factor)."));
    static final ConfigKey<Duration> TOPIC_RETENTION = SPEC.define(ConfigKey.of("topic.retention", ConfigType.DURATION,
            TopicSpec.DEFAULT_RETENTION, positiveDuration(), "retention.ms of the topics the bridge creates."));
    static final ConfigKey<Integer> DEDUP_WINDOW = SPEC.define(ConfigKey.of("dedup.window", ConfigType.INT,
            256, between(1, 1_000_000), "Sequence numbers per device that the bridge remembers above the highest one it forwarded without a gap; a redelivery older than that is forwarded again (a duplicate, never a loss)."));
    static final ConfigKey<String> HEALTH_HOST = SPEC.define(ConfigKey.of("health.host", ConfigType.STRING,
            "127.0.0.1", nonBlank(), "Address of the /health and /metrics endpoint."));
    static final ConfigKey<Integer> HEALTH_PORT = SPEC.define(ConfigKey.of("health.port", ConfigType.INT,
            8085, between(-1, 65535), "Port of the /health and /metrics endpoint; 0 = any free port, -1 = none."));

    public static MqttBridgeConfig from(ConfigValues values) {
        short replication = values.get(TOPIC_REPLICATION).shortValue();
        int minIsr = Math.min(values.get(TOPIC_MIN_ISR), replication);
        String name = values.get(TOPIC);
        String dlqName = values.get(DLQ).isBlank() ? Topics.deadLetterQueueOf(name) : values.get(DLQ);
        TopicSpec topic;
        TopicSpec dlq;
        try {
            topic = new TopicSpec(name, values.get(TOPIC_PARTITIONS), replication, minIsr, values.get(TOPIC_RETENTION));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(TOPIC.name(), e.getMessage());
        }
        try {
            dlq = new TopicSpec(dlqName, values.get(TOPIC_PARTITIONS), replication, minIsr, values.get(TOPIC_RETENTION));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(DLQ.name(), e.getMessage());
        }
        return new MqttBridgeConfig(values.get(MQTT_BROKER), values.get(MQTT_TOPIC_PREFIX), values.get(MQTT_CLIENT_ID),
                values.get(BOOTSTRAP_SERVERS), topic, dlq, values.get(DEDUP_WINDOW), values.get(HEALTH_HOST), values.get(HEALTH_PORT),
                values.withPrefix("kafka."));
    }
}
