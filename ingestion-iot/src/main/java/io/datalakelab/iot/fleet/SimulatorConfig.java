package io.datalakelab.iot.fleet;

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
import io.datalakelab.core.topic.TopicSpec;
import io.datalakelab.core.topic.Topics;
import io.datalakelab.iot.flume.FlumeTarget;
import io.datalakelab.iot.mqtt.MqttTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** The sensor simulator's configuration, declared once: keys, defaults, rules and meaning. */
public record SimulatorConfig(String bootstrapServers, TopicSpec topic, FleetSpec fleet, int devices, long records,
                              Duration duration, SendRate rate, double burstFactor, Duration burstEvery,
                              Duration burstLength, int producers, ReadingEncoding encoding, Clock clock,
                              Instant clockStart, Duration progressInterval, Map<String, String> producerOverrides,
                              Output output, String mqttBroker, String mqttTopicPrefix, int mqttQos, FlumeTarget flume,
                              String healthHost, int healthPort) {

    /** Which time a reading carries: when it is sent, or the fleet's own schedule from {@code clock.start}. */
    public enum Clock { WALL, SIMULATED }

    /**
     * Where the devices send: straight into Kafka, to an MQTT broker from which the MQTT bridge moves them into Kafka,
     * or to Flume agents whose Kafka sink does.
     */
    public enum Output { KAFKA, MQTT, FLUME }

    public static final ConfigSpec SPEC = new ConfigSpec("sensor-simulator", "SIMULATOR_").passThrough("kafka.");

    private static final ConfigType<SendRate> RATE_TYPE = new ConfigType<>("natural | max | readings per second",
            SendRate::parse, SendRate::toString);

    static final ConfigKey<String> BOOTSTRAP_SERVERS = SPEC.define(ConfigKey.of("bootstrap.servers", ConfigType.STRING,
            "localhost:9092", nonBlank(), "Kafka brokers to connect to, host:port comma separated."));
    static final ConfigKey<String> TOPIC = SPEC.define(ConfigKey.of("topic", ConfigType.STRING,
            Topics.SENSOR_READINGS, nonBlank(), "Topic the readings are written to; key = device id."));
    static final ConfigKey<Integer> TOPIC_PARTITIONS = SPEC.define(ConfigKey.of("topic.partitions", ConfigType.INT,
            6, atLeast(1), "Partitions of the topic when the simulator creates it."));
    static final ConfigKey<Integer> TOPIC_REPLICATION = SPEC.define(ConfigKey.of("topic.replication.factor", ConfigType.INT,
            3, atLeast(1), "Replication factor when the simulator creates the topic (clamped to the number of brokers)."));
    static final ConfigKey<Integer> TOPIC_MIN_ISR = SPEC.define(ConfigKey.of("topic.min.insync.replicas", ConfigType.INT,
            2, atLeast(1), "min.insync.replicas of the topic when the simulator creates it (clamped to the replication factor)."));
    static final ConfigKey<Duration> TOPIC_RETENTION = SPEC.define(ConfigKey.of("topic.retention", ConfigType.DURATION,
            TopicSpec.DEFAULT_RETENTION, positiveDuration(), "retention.ms of the topic when the simulator creates it."));
    static final ConfigKey<Output> OUTPUT = SPEC.define(ConfigKey.of("output", ConfigType.enumOf(Output.class),
            Output.KAFKA, "kafka: produce into `topic` on `bootstrap.servers`; mqtt: publish to `mqtt.broker` (the MQTT bridge moves the readings into Kafka); flume: send over Avro RPC to `flume.agents` (their Kafka sink moves the readings into Kafka). With mqtt and flume the `topic.*` and `kafka.*` keys are unused."));
    static final ConfigKey<String> MQTT_BROKER = SPEC.define(ConfigKey.of("mqtt.broker", ConfigType.STRING,
            MqttTopics.DEFAULT_BROKER, MqttTopics.brokerUri(), "MQTT broker the devices publish to when output=mqtt."));
    static final ConfigKey<String> MQTT_TOPIC_PREFIX = SPEC.define(ConfigKey.of("mqtt.topic.prefix", ConfigType.STRING,
            MqttTopics.DEFAULT_PREFIX, MqttTopics.topicPrefix(), "With output=mqtt each device publishes to `<prefix>/<site>/<deviceId>`."));
    static final ConfigKey<Integer> MQTT_QOS = SPEC.define(ConfigKey.of("mqtt.qos", ConfigType.INT,
            1, between(0, 2), "QoS of the MQTT publishes: 1 = at least once, the broker acknowledges each reading; 0 = at most once, nothing is acknowledged (a reading can be lost); 2 = exactly once to the broker."));
    static final ConfigKey<List<String>> FLUME_AGENTS = SPEC.define(ConfigKey.of("flume.agents", ConfigType.LIST,
            FlumeTarget.DEFAULT_AGENTS, FlumeTarget.agentAddresses(), "With output=flume: host:port of each Flume agent's Avro source (flume-agent's readings-collector.conf), comma separated."));
    static final ConfigKey<FlumeTarget.Selection> FLUME_SELECTION = SPEC.define(ConfigKey.of("flume.selection", ConfigType.enumOf(FlumeTarget.Selection.class),
            FlumeTarget.Selection.ROUND_ROBIN, "With several agents: round_robin or random spread the batches and skip a failed agent for a while; failover sends to the first agent that is up."));
    static final ConfigKey<Integer> FLUME_BATCH_SIZE = SPEC.define(ConfigKey.of("flume.batch.size", ConfigType.INT,
            500, between(1, 100_000), "Readings per Avro RPC call; the agent commits each call to its channel in one transaction."));
    static final ConfigKey<Duration> FLUME_LINGER = SPEC.define(ConfigKey.of("flume.linger", ConfigType.DURATION,
            Duration.ofMillis(200), new ConfigRule<>("zero or positive", d -> !d.isNegative()), "Longest a reading waits in a partly filled batch (checked as the next reading is sent; the last batch goes at the end of the run)."));
    static final ConfigKey<Duration> FLUME_REQUEST_TIMEOUT = SPEC.define(ConfigKey.of("flume.request.timeout", ConfigType.DURATION,
            Duration.ofSeconds(20), positiveDuration(), "How long one RPC call may take before its agent counts as failed."));
    static final ConfigKey<String> FLEET = SPEC.define(ConfigKey.of("fleet", ConfigType.STRING,
            "", "Fleet file (YAML or JSON) with sites, device types, signal models and fault rates; empty = the built-in fleets/default.yaml."));
    static final ConfigKey<Long> SEED = SPEC.define(ConfigKey.of("seed", ConfigType.LONG,
            0L, "Seed of every random draw; the same seed gives the same readings. 0 = the fleet file's seed."));
    static final ConfigKey<List<String>> SITES = SPEC.define(ConfigKey.of("sites", ConfigType.LIST,
            List.of(), "Site names replacing the fleet file's (coordinates taken from its sites in turn); empty = the file's sites."));
    static final ConfigKey<Integer> DEVICES = SPEC.define(ConfigKey.of("devices", ConfigType.INT,
            0, atLeast(0), "Number of devices; 0 = the counts of the fleet file, N = N devices with types and sites taken in turn."));
    static final ConfigKey<Long> RECORDS = SPEC.define(ConfigKey.of("records", ConfigType.LONG,
            0L, atLeast(0L), "Readings to measure in all, across the fleet; 0 = no limit (then `duration` ends the run, or Ctrl-C)."));
    static final ConfigKey<Duration> DURATION = SPEC.define(ConfigKey.of("duration", ConfigType.DURATION,
            Duration.ZERO, new ConfigRule<>("zero or positive", d -> !d.isNegative()), "How long to run; 0 = until `records` are sent (or Ctrl-C)."));
    static final ConfigKey<SendRate> RATE = SPEC.define(ConfigKey.of("rate", RATE_TYPE,
            SendRate.NATURAL, "natural: every device once per interval of its type, in real time; max: as fast as the cluster takes them; a number: readings per second for the whole fleet."));
    static final ConfigKey<Double> BURST_FACTOR = SPEC.define(ConfigKey.of("rate.burst.factor", ConfigType.DOUBLE,
            1.0, between(1.0, 1000.0), "During a burst the fixed rate is multiplied by this; 1 = no bursts."));
    static final ConfigKey<Duration> BURST_EVERY = SPEC.define(ConfigKey.of("rate.burst.every", ConfigType.DURATION,
            Duration.ofMinutes(1), positiveDuration(), "A burst starts this often."));
    static final ConfigKey<Duration> BURST_LENGTH = SPEC.define(ConfigKey.of("rate.burst.length", ConfigType.DURATION,
            Duration.ofSeconds(5), positiveDuration(), "How long each burst lasts."));
    static final ConfigKey<Integer> PRODUCERS = SPEC.define(ConfigKey.of("producers", ConfigType.INT,
            1, between(1, 256), "Producer threads, each with its own Kafka producer (or MQTT client, with output=mqtt) and its share of the devices (the course's '4 producers')."));
    static final ConfigKey<ReadingEncoding> ENCODING = SPEC.define(ConfigKey.of("encoding", ConfigType.enumOf(ReadingEncoding.class),
            ReadingEncoding.JSON, "json: the platform's JSON reading; avro: Avro single-object encoding (C3 01 + schema fingerprint + datum) of platform-core's sensor-reading.avsc."));
    static final ConfigKey<Clock> CLOCK = SPEC.define(ConfigKey.of("clock", ConfigType.enumOf(Clock.class),
            Clock.WALL, "wall: a reading's event time is when it is sent; simulated: the fleet's schedule from clock.start, so a day of data can be sent in minutes and a seed fixes the whole stream."));
    static final ConfigKey<String> CLOCK_START = SPEC.define(ConfigKey.of("clock.start", ConfigType.STRING,
            "", "Start of the simulated clock, ISO-8601 (2026-01-01T00:00:00Z); empty = when the run starts."));
    static final ConfigKey<Boolean> FAULTS = SPEC.define(ConfigKey.of("faults", ConfigType.BOOLEAN,
            true, "Apply the fleet file's faults (spikes, stuck values, drift, offline devices, clock skew); false = clean signals."));
    static final ConfigKey<Double> MALFORMED_RATE = SPEC.define(ConfigKey.of("malformed.rate", ConfigType.DOUBLE,
            -1.0, between(-1.0, 1.0), "Probability per reading of an extra malformed record (to exercise dead-letter queues); -1 = the fleet file's rate."));
    static final ConfigKey<Duration> PROGRESS = SPEC.define(ConfigKey.of("progress.interval", ConfigType.DURATION,
            Duration.ofSeconds(5), new ConfigRule<>("zero or positive", d -> !d.isNegative()), "How often progress goes to stderr; 0 = never."));

    static final ConfigKey<String> HEALTH_HOST = SPEC.define(ConfigKey.of("health.host", ConfigType.STRING,
            "127.0.0.1", ConfigRule.nonBlank(), "Address of the /health and /metrics endpoint while the fleet runs."));
    static final ConfigKey<Integer> HEALTH_PORT = SPEC.define(ConfigKey.of("health.port", ConfigType.INT,
            -1, between(-1, 65535), "Port of the /health and /metrics endpoint while the fleet runs; 0 picks a free one, -1 (the default) serves none."));

    public static SimulatorConfig from(ConfigValues values) {
        TopicSpec topic = new TopicSpec(values.get(TOPIC), values.get(TOPIC_PARTITIONS), values.get(TOPIC_REPLICATION).shortValue(),
                Math.min(values.get(TOPIC_MIN_ISR), values.get(TOPIC_REPLICATION)), values.get(TOPIC_RETENTION));
        FleetSpec fleet = fleet(values);
        Instant clockStart = null;
        if (!values.get(CLOCK_START).isBlank()) {
            try {
                clockStart = Instant.parse(values.get(CLOCK_START).trim());
            } catch (DateTimeParseException e) {
                throw new ConfigException(CLOCK_START.name(), "clock.start must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, was '"
                        + values.get(CLOCK_START) + "'");
            }
        }
        return new SimulatorConfig(values.get(BOOTSTRAP_SERVERS), topic, fleet, values.get(DEVICES), values.get(RECORDS),
                values.get(DURATION), values.get(RATE), values.get(BURST_FACTOR), values.get(BURST_EVERY), values.get(BURST_LENGTH),
                values.get(PRODUCERS), values.get(ENCODING), values.get(CLOCK), clockStart, values.get(PROGRESS),
                values.withPrefix("kafka."), values.get(OUTPUT), values.get(MQTT_BROKER), values.get(MQTT_TOPIC_PREFIX),
                values.get(MQTT_QOS), new FlumeTarget(values.get(FLUME_AGENTS), values.get(FLUME_SELECTION), values.get(FLUME_BATCH_SIZE),
                values.get(FLUME_LINGER), values.get(FLUME_REQUEST_TIMEOUT)), values.get(HEALTH_HOST), values.get(HEALTH_PORT));
    }

    /** The same run with other faults (tests give devices the faults they exercise). */
    public SimulatorConfig withFaults(FaultSpec faults) {
        return new SimulatorConfig(bootstrapServers, topic, fleet.withFaults(faults), devices, records, duration, rate, burstFactor,
                burstEvery, burstLength, producers, encoding, clock, clockStart, progressInterval, producerOverrides, output,
                mqttBroker, mqttTopicPrefix, mqttQos, flume, healthHost, healthPort);
    }

    private static FleetSpec fleet(ConfigValues values) {
        FleetSpec fleet;
        try {
            fleet = values.get(FLEET).isBlank() ? FleetSpec.builtIn() : FleetSpec.load(Path.of(values.get(FLEET)));
        } catch (InvalidFleetException e) {
            throw new ConfigException(FLEET.name(), e.getMessage());
        }
        if (values.get(SEED) != 0) {
            fleet = fleet.withSeed(values.get(SEED));
        }
        if (!values.get(SITES).isEmpty()) {
            for (String site : values.get(SITES)) {
                if (!site.matches("[A-Za-z0-9_-]+")) {
                    throw new ConfigException(SITES.name(), "invalid value '" + site + "' in config key 'sites': a site name is letters,"
                            + " digits, '_' or '-' (it goes into device ids and MQTT topics)");
                }
            }
            fleet = fleet.atSites(values.get(SITES));
        }
        FaultSpec faults = values.get(FAULTS) ? fleet.faults() : fleet.faults().onlyMalformed();
        if (values.get(MALFORMED_RATE) >= 0) {
            faults = faults.withMalformedRate(values.get(MALFORMED_RATE));
        }
        return fleet.withFaults(faults);
    }

    /** True when the run can end by itself: a record count or a duration is set. */
    public boolean isBounded() {
        return records > 0 || !duration.isZero();
    }
}
