package io.datalakelab.iot.fleet;

import static io.datalakelab.core.config.ConfigRule.atLeast;
import static io.datalakelab.core.config.ConfigRule.nonBlank;
import static io.datalakelab.core.config.ConfigRule.nonEmptyList;
import static io.datalakelab.core.config.ConfigRule.positiveDuration;

import io.datalakelab.core.config.ConfigKey;
import io.datalakelab.core.config.ConfigSpec;
import io.datalakelab.core.config.ConfigType;
import io.datalakelab.core.config.ConfigValues;
import io.datalakelab.core.topic.TopicSpec;
import io.datalakelab.core.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The sensor fleet's configuration, declared once: keys, defaults, rules and meaning. */
public record SensorFleetConfig(String bootstrapServers, TopicSpec topic, long records, int devices, String site,
                                List<String> deviceTypes, double ratePerSecond, Map<String, String> producerOverrides) {

    public static final ConfigSpec SPEC = new ConfigSpec("sensor-fleet", "FLEET_").passThrough("kafka.");

    static final ConfigKey<String> BOOTSTRAP_SERVERS = SPEC.define(ConfigKey.of("bootstrap.servers", ConfigType.STRING,
            "localhost:9092", nonBlank(), "Kafka brokers to connect to, host:port comma separated."));
    static final ConfigKey<String> TOPIC = SPEC.define(ConfigKey.of("topic", ConfigType.STRING,
            Topics.SENSOR_READINGS, nonBlank(), "Topic the readings are written to; key = device id."));
    static final ConfigKey<Integer> TOPIC_PARTITIONS = SPEC.define(ConfigKey.of("topic.partitions", ConfigType.INT,
            6, atLeast(1), "Partitions of the topic when the fleet creates it."));
    static final ConfigKey<Integer> TOPIC_REPLICATION = SPEC.define(ConfigKey.of("topic.replication.factor", ConfigType.INT,
            3, atLeast(1), "Replication factor when the fleet creates the topic (clamped to the number of brokers)."));
    static final ConfigKey<Integer> TOPIC_MIN_ISR = SPEC.define(ConfigKey.of("topic.min.insync.replicas", ConfigType.INT,
            2, atLeast(1), "min.insync.replicas of the topic when the fleet creates it (clamped to the replication factor)."));
    static final ConfigKey<Duration> TOPIC_RETENTION = SPEC.define(ConfigKey.of("topic.retention", ConfigType.DURATION,
            TopicSpec.DEFAULT_RETENTION, positiveDuration(), "retention.ms of the topic when the fleet creates it."));
    static final ConfigKey<Long> RECORDS = SPEC.define(ConfigKey.of("records", ConfigType.LONG,
            100_000L, atLeast(1L), "How many readings to send in all, across the fleet."));
    static final ConfigKey<Integer> DEVICES = SPEC.define(ConfigKey.of("devices", ConfigType.INT,
            50, atLeast(1), "Number of simulated devices; readings go round-robin over them."));
    static final ConfigKey<String> SITE = SPEC.define(ConfigKey.of("site", ConfigType.STRING,
            "lab", nonBlank(), "Site name stamped on every reading and used in device ids (<site>-sensor-0001)."));
    static final ConfigKey<List<String>> DEVICE_TYPES = SPEC.define(ConfigKey.of("device.types", ConfigType.LIST,
            List.of("thermometer", "hygrometer", "air-quality"), nonEmptyList(),
            "Device types, assigned to devices in turn; each type measures its own quantities."));
    static final ConfigKey<Double> RATE = SPEC.define(ConfigKey.of("rate", ConfigType.DOUBLE,
            0.0, atLeast(0.0), "Readings per second for the whole fleet; 0 sends as fast as the cluster takes them."));

    public static SensorFleetConfig from(ConfigValues values) {
        TopicSpec topic = new TopicSpec(values.get(TOPIC), values.get(TOPIC_PARTITIONS),
                values.get(TOPIC_REPLICATION).shortValue(),
                Math.min(values.get(TOPIC_MIN_ISR), values.get(TOPIC_REPLICATION)), values.get(TOPIC_RETENTION));
        return new SensorFleetConfig(values.get(BOOTSTRAP_SERVERS), topic, values.get(RECORDS), values.get(DEVICES),
                values.get(SITE), values.get(DEVICE_TYPES), values.get(RATE), values.withPrefix("kafka."));
    }
}
