package io.datalakelab.sink;

import static io.datalakelab.core.config.ConfigRule.atLeast;
import static io.datalakelab.core.config.ConfigRule.nonBlank;
import static io.datalakelab.core.config.ConfigRule.nonEmptyList;
import static io.datalakelab.core.config.ConfigRule.positiveDuration;

import io.datalakelab.core.config.ConfigException;
import io.datalakelab.core.config.ConfigKey;
import io.datalakelab.core.config.ConfigRule;
import io.datalakelab.core.config.ConfigSpec;
import io.datalakelab.core.config.ConfigType;
import io.datalakelab.core.config.ConfigValues;
import io.datalakelab.core.schema.Schemas;
import io.datalakelab.core.topic.Topics;
import io.datalakelab.sink.format.Compression;
import io.datalakelab.sink.format.FileFormat;
import io.datalakelab.sink.format.OutputFormat;
import io.datalakelab.sink.format.ValueDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import org.apache.avro.Schema;
import io.datalakelab.sink.layout.EventTimePartitioner;
import io.datalakelab.sink.layout.RecordPartitioner;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/** The HDFS sink's configuration, declared once: keys, defaults, rules and meaning. */
public record SinkConfig(String bootstrapServers, List<String> topics, String groupId, String hdfsUri, String hdfsRoot,
                         int hdfsReplication, long flushRecords, Duration rotateInterval, ZoneId timeZone,
                         String eventTimeField, String healthHost, int healthPort,
                         Duration retentionCheckInterval, double retentionWarnRatio, double retentionCriticalRatio,
                         RecordPartitioner.TimeSource partitionTimeSource, EventTimePartitioner.Granularity partitionGranularity,
                         List<String> partitionFields, long flushBytes, Duration rotateSpan,
                         boolean successMarkers, Duration allowedLateness,
                         Map<String, String> consumerOverrides, Map<String, String> producerOverrides,
                         Map<String, String> hadoopOverrides, FileFormat fileFormat, ValueDecoder.ValueFormat valueFormat,
                         Schema valueSchema, Optional<java.util.regex.Pattern> topicsRegex) {

    public static final ConfigSpec SPEC = new ConfigSpec("hdfs-sink", "SINK_")
            .passThrough("kafka.consumer.").passThrough("kafka.producer.").passThrough("hadoop.");

    static final ConfigKey<String> BOOTSTRAP_SERVERS = SPEC.define(ConfigKey.of("bootstrap.servers", ConfigType.STRING,
            "localhost:9092", nonBlank(), "Kafka brokers to consume from, host:port comma separated."));
    static final ConfigKey<List<String>> TOPICS = SPEC.define(ConfigKey.of("topics", ConfigType.LIST,
            List.of(Topics.SENSOR_READINGS), nonEmptyList(), "Topics to land in HDFS."));
    static final ConfigKey<String> TOPICS_REGEX = SPEC.define(ConfigKey.of("topics.regex", ConfigType.STRING, "",
            new ConfigRule<>("a Java regular expression", SinkConfig::isRegex),
            "When set, land every topic whose whole name matches it (new ones included, at the consumer's next metadata refresh) instead of topics; names ending in .dlq never match."));
    static final ConfigKey<String> GROUP_ID = SPEC.define(ConfigKey.of("group.id", ConfigType.STRING,
            "hdfs-sink", nonBlank(), "Consumer group; instances with the same group share the partitions."));
    static final ConfigKey<String> HDFS_URI = SPEC.define(ConfigKey.of("hdfs.uri", ConfigType.STRING,
            "hdfs://127.0.0.1:8020", nonBlank(), "The NameNode, as fs.defaultFS."));
    static final ConfigKey<String> HDFS_ROOT = SPEC.define(ConfigKey.of("hdfs.root", ConfigType.STRING,
            "/datalake/raw", new ConfigRule<>("an absolute path", s -> s.startsWith("/")), "Directory under which each topic gets its own."));
    static final ConfigKey<Integer> HDFS_REPLICATION = SPEC.define(ConfigKey.of("hdfs.replication", ConfigType.INT,
            3, atLeast(1), "Replication of the files the sink writes (at most the number of DataNodes)."));
    static final ConfigKey<Long> FLUSH_RECORDS = SPEC.define(ConfigKey.of("flush.records", ConfigType.LONG,
            50_000L, atLeast(1L), "Commit a partition's file once it holds this many records."));
    static final ConfigKey<Duration> ROTATE_INTERVAL = SPEC.define(ConfigKey.of("rotate.interval", ConfigType.DURATION,
            Duration.ofSeconds(10), positiveDuration(),
            "Commit a partition's open file at the latest this long after it was opened, by the wall clock, so a quiet topic still lands its records."));
    static final ConfigKey<String> TIME_ZONE = SPEC.define(ConfigKey.of("partition.time.zone", ConfigType.STRING,
            "UTC", new ConfigRule<>("a time zone id such as UTC or Europe/Lisbon", SinkConfig::isZone),
            "Time zone of the dt=/hr= directories."));
    static final ConfigKey<String> EVENT_TIME_FIELD = SPEC.define(ConfigKey.of("partition.event.time.field", ConfigType.STRING,
            "eventTime", nonBlank(), "Value field with the event time in epoch milliseconds (or an Avro timestamp); a record without it goes to the DLQ."));
    static final ConfigKey<String> HEALTH_HOST = SPEC.define(ConfigKey.of("health.host", ConfigType.STRING,
            "127.0.0.1", nonBlank(), "Address of the /health and /metrics endpoint."));
    static final ConfigKey<Integer> HEALTH_PORT = SPEC.define(ConfigKey.of("health.port", ConfigType.INT,
            8081, ConfigRule.between(-1, 65535), "Port of the /health and /metrics endpoint; 0 picks a free one, -1 turns it off."));

    static final ConfigKey<RecordPartitioner.TimeSource> PARTITION_TIME = SPEC.define(ConfigKey.of("partition.time",
            ConfigType.enumOf(RecordPartitioner.TimeSource.class), RecordPartitioner.TimeSource.EVENT_TIME,
            "Which time places a record: its event-time field, its Kafka timestamp (record_time) or the wall clock."));
    static final ConfigKey<EventTimePartitioner.Granularity> PARTITION_GRANULARITY = SPEC.define(ConfigKey.of("partition.granularity",
            ConfigType.enumOf(EventTimePartitioner.Granularity.class), EventTimePartitioner.Granularity.HOURLY,
            "hourly: dt=YYYY-MM-DD/hr=HH directories; daily: dt=YYYY-MM-DD."));
    static final ConfigKey<List<String>> PARTITION_FIELDS = SPEC.define(ConfigKey.of("partition.fields", ConfigType.LIST,
            List.of(), "Value fields whose values become field=value directories before the time ones, e.g. site; a record without one goes to the DLQ."));
    static final ConfigKey<Long> FLUSH_BYTES = SPEC.define(ConfigKey.of("flush.bytes", ConfigType.LONG,
            128L * 1024 * 1024, atLeast(1L), "Commit a partition's file once its records hold this many bytes, counted as consumed (before the format's encoding and compression)."));
    static final ConfigKey<Duration> ROTATE_SPAN = SPEC.define(ConfigKey.of("rotate.span", ConfigType.DURATION,
            Duration.ofHours(1), positiveDuration(), "Commit a partition's file once the times of its first and latest record are this far apart."));

    static final ConfigKey<Boolean> SUCCESS_MARKERS = SPEC.define(ConfigKey.of("success.markers", ConfigType.BOOLEAN, true,
            "Write _SUCCESS into a time partition once the watermark has passed its end plus allowed.lateness."));
    static final ConfigKey<Duration> ALLOWED_LATENESS = SPEC.define(ConfigKey.of("allowed.lateness", ConfigType.DURATION,
            Duration.ofMinutes(10), "How long after its end a time partition waits for late records before it is marked complete."));

    static final ConfigKey<OutputFormat> FORMAT = SPEC.define(ConfigKey.of("format", ConfigType.enumOf(OutputFormat.class),
            OutputFormat.JSONL, "File format: jsonl (JSON lines), avro (object container files) or parquet (columnar, via parquet-avro)."));
    static final ConfigKey<Compression> COMPRESSION = SPEC.define(ConfigKey.of("format.compression", ConfigType.enumOf(Compression.class),
            Compression.AUTO, "none, snappy, zstd or gzip (deflate in Avro); auto: snappy for avro and parquet, none for jsonl."));
    static final ConfigKey<ValueDecoder.ValueFormat> VALUE_FORMAT = SPEC.define(ConfigKey.of("value.format",
            ConfigType.enumOf(ValueDecoder.ValueFormat.class), ValueDecoder.ValueFormat.JSON,
            "How the topics' values are encoded: json objects, or avro in Avro's single-object encoding (the writer schema is found by its fingerprint)."));
    static final ConfigKey<String> VALUE_SCHEMA = SPEC.define(ConfigKey.of("value.schema", ConfigType.STRING, "sensor-reading",
            nonBlank(), "Avro schema of the values, for avro/parquet files and avro values: a platform-core schema ("
                    + String.join(", ", Schemas.NAMES) + ") or the path of an .avsc file; a value that does not fit goes to the DLQ."));
    static final ConfigKey<Long> PARQUET_ROW_GROUP_BYTES = SPEC.define(ConfigKey.of("parquet.row.group.bytes", ConfigType.LONG,
            32L * 1024 * 1024, atLeast(64L * 1024), "Parquet row group size: the memory each open Parquet file may buffer before it writes a row group."));

    /** Consumer settings the sink's guarantees rest on; overriding them is refused at start. */
    private static final Map<String, String> OWNED_CONSUMER_SETTINGS = Map.of(
            "auto.offset.reset", "none, so that offsets expired before landing are reported, never skipped",
            "enable.auto.commit", "false: offsets are committed only after files are renamed",
            "allow.auto.create.topics", "false: a sink must not create the topics it reads",
            "group.id", "the value of the sink's own key group.id");

    static final ConfigKey<Duration> RETENTION_CHECK_INTERVAL = SPEC.define(ConfigKey.of("retention.check.interval", ConfigType.DURATION,
            Duration.ofSeconds(30), positiveDuration(), "How often the age of each partition's oldest unlanded record is compared with the topic's retention.ms."));
    static final ConfigKey<Double> RETENTION_WARN_RATIO = SPEC.define(ConfigKey.of("retention.warn.ratio", ConfigType.DOUBLE,
            0.5, ConfigRule.between(0.01, 1.0), "Warn (log, metric) when that age reaches this share of retention.ms."));
    static final ConfigKey<Double> RETENTION_CRITICAL_RATIO = SPEC.define(ConfigKey.of("retention.critical.ratio", ConfigType.DOUBLE,
            0.8, ConfigRule.between(0.01, 1.0), "Report unhealthy and log an error when that age reaches this share of retention.ms."));

    public static SinkConfig from(ConfigValues values) {
        if (values.get(RETENTION_WARN_RATIO) > values.get(RETENTION_CRITICAL_RATIO)) {
            throw new ConfigException(RETENTION_WARN_RATIO.name(), "config key 'retention.warn.ratio' (" + values.get(RETENTION_WARN_RATIO)
                    + ") must not exceed 'retention.critical.ratio' (" + values.get(RETENTION_CRITICAL_RATIO) + ")");
        }
        Map<String, String> consumerOverrides = values.withPrefix("kafka.consumer.");
        for (String key : consumerOverrides.keySet()) {
            if (OWNED_CONSUMER_SETTINGS.containsKey(key)) {
                throw new ConfigException("kafka.consumer." + key, "config key 'kafka.consumer." + key
                        + "' cannot be set: the sink keeps it at " + OWNED_CONSUMER_SETTINGS.get(key));
            }
        }
        Schema valueSchema = valueSchema(values.get(VALUE_SCHEMA));
        OutputFormat format = values.get(FORMAT);
        Compression compression = values.get(COMPRESSION);
        if (compression != Compression.AUTO && !format.supports(compression)) {
            throw new ConfigException(COMPRESSION.name(), "config key 'format.compression' (" + compression + ") is not available for format "
                    + format);
        }
        FileFormat fileFormat = new FileFormat(format, compression, valueSchema, values.get(PARQUET_ROW_GROUP_BYTES));
        return new SinkConfig(values.get(BOOTSTRAP_SERVERS), values.get(TOPICS), values.get(GROUP_ID), values.get(HDFS_URI),
                values.get(HDFS_ROOT), values.get(HDFS_REPLICATION), values.get(FLUSH_RECORDS), values.get(ROTATE_INTERVAL),
                ZoneId.of(values.get(TIME_ZONE)), values.get(EVENT_TIME_FIELD), values.get(HEALTH_HOST), values.get(HEALTH_PORT),
                values.get(RETENTION_CHECK_INTERVAL), values.get(RETENTION_WARN_RATIO), values.get(RETENTION_CRITICAL_RATIO),
                values.get(PARTITION_TIME), values.get(PARTITION_GRANULARITY), values.get(PARTITION_FIELDS), values.get(FLUSH_BYTES),
                values.get(ROTATE_SPAN), values.get(SUCCESS_MARKERS), values.get(ALLOWED_LATENESS),
                values.withPrefix("kafka.consumer."), values.withPrefix("kafka.producer."), values.withPrefix("hadoop."),
                fileFormat, values.get(VALUE_FORMAT), valueSchema,
                values.get(TOPICS_REGEX).isEmpty() ? Optional.empty() : Optional.of(subscriptionPattern(values.get(TOPICS_REGEX))));
    }

    /**
     * The pattern the consumer subscribes with: the user's regex, never matching a dead-letter topic. A regex as
     * broad as {@code rdbms\.shop\..*} would otherwise land the sink's own DLQ, whose bad records go to
     * {@code <dlq>.dlq}, which matches too: one bad record would cascade into DLQs without end.
     */
    static java.util.regex.Pattern subscriptionPattern(String regex) {
        return java.util.regex.Pattern.compile("(?!.*" + java.util.regex.Pattern.quote(Topics.DLQ_SUFFIX) + "$)(?:" + regex + ")");
    }

    private static boolean isRegex(String regex) {
        try {
            java.util.regex.Pattern.compile(regex);
            return true;
        } catch (java.util.regex.PatternSyntaxException e) {
            return false;
        }
    }

    /** A shipped schema by name, or an .avsc file; a file that is missing or not a schema fails naming the key. */
    private static Schema valueSchema(String nameOrPath) {
        Optional<Schema> shipped = Schemas.byName(nameOrPath);
        if (shipped.isPresent()) {
            return shipped.get();
        }
        java.nio.file.Path file = java.nio.file.Path.of(nameOrPath);
        if (!Files.isReadable(file)) {
            throw new ConfigException(VALUE_SCHEMA.name(), "config key 'value.schema' (" + nameOrPath + ") is neither a platform-core schema ("
                    + String.join(", ", Schemas.NAMES) + ") nor a readable .avsc file");
        }
        try {
            return new Schema.Parser().parse(file.toFile());
        } catch (IOException | org.apache.avro.SchemaParseException e) {
            throw new ConfigException(VALUE_SCHEMA.name(), "config key 'value.schema': " + nameOrPath + " is not an Avro schema: " + e.getMessage());
        }
    }

    private static boolean isZone(String id) {
        try {
            ZoneId.of(id);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
