package io.datalakelab.rdbms;

import static io.datalakelab.core.config.ConfigRule.atLeast;
import static io.datalakelab.core.config.ConfigRule.nonBlank;

import io.datalakelab.core.config.ConfigException;
import io.datalakelab.core.config.ConfigKey;
import io.datalakelab.core.config.ConfigRule;
import io.datalakelab.core.config.ConfigSpec;
import io.datalakelab.core.config.ConfigType;
import io.datalakelab.core.config.ConfigValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The change-capture service's configuration, declared once: keys, defaults, rules and meaning. */
public record CdcConfig(String bootstrapServers, String host, int port, String user, String password, String serverName,
                        long serverId, List<String> databases, List<Pattern> tablesInclude, List<Pattern> tablesExclude,
                        List<String> columnsExclude, List<String> columnsMask, SnapshotMode snapshotMode, int snapshotFetchSize, int snapshotMaxRowsPerSecond,
                        String offsetsTopic, int topicPartitions, short topicReplication, Duration connectTimeout,
                        String healthHost, int healthPort, Map<String, String> producerOverrides, boolean transactionEvents,
                        Duration heartbeatInterval) {

    /** When the service reads the tables' current rows before it streams the binlog. */
    public enum SnapshotMode {
        /** Snapshot once, when no position is stored yet; then stream from the snapshot's position. */
        INITIAL,
        /** Never snapshot: stream from the current end of the binlog when no position is stored. */
        NEVER,
        /** As initial, and also when the stored position was purged from the server. */
        WHEN_NEEDED,
        /** Record the tables' schemas and the binlog position, emit no rows, then stream. */
        SCHEMA_ONLY
    }

    public static final ConfigSpec SPEC = new ConfigSpec("ingestion-rdbms", "CDC_").passThrough("kafka.producer.");

    static final ConfigKey<String> BOOTSTRAP_SERVERS = SPEC.define(ConfigKey.of("bootstrap.servers", ConfigType.STRING,
            "localhost:9092", nonBlank(), "Kafka brokers, host:port comma separated."));
    static final ConfigKey<String> HOST = SPEC.define(ConfigKey.of("database.host", ConfigType.STRING,
            "127.0.0.1", nonBlank(), "MySQL/MariaDB host."));
    static final ConfigKey<Integer> PORT = SPEC.define(ConfigKey.of("database.port", ConfigType.INT,
            3306, ConfigRule.between(1, 65535), "MySQL/MariaDB port."));
    static final ConfigKey<String> USER = SPEC.define(ConfigKey.of("database.user", ConfigType.STRING,
            "root", nonBlank(), "User with REPLICATION SLAVE, REPLICATION CLIENT, SELECT (and BINLOG MONITOR on MariaDB, RELOAD on MySQL for the snapshot)."));
    static final ConfigKey<String> PASSWORD = SPEC.define(ConfigKey.of("database.password", ConfigType.STRING,
            "", "Password of database.user (prefer the CDC_DATABASE_PASSWORD environment variable)."));
    static final ConfigKey<String> SERVER_NAME = SPEC.define(ConfigKey.of("server.name", ConfigType.STRING,
            "lab", new ConfigRule<>("letters, digits, '_' or '-'", s -> s.matches("[A-Za-z0-9_-]+")),
            "Logical name of the source; the second part of every topic name rdbms.<server>.<db>.<table>."));
    static final ConfigKey<Long> SERVER_ID = SPEC.define(ConfigKey.of("server.id", ConfigType.LONG,
            5400L, atLeast(1L), "The replica server_id this service uses to read the binlog; unique among the source's replicas."));
    static final ConfigKey<List<String>> DATABASES = SPEC.define(ConfigKey.of("databases.include", ConfigType.LIST,
            List.of(), "Databases to capture; empty means every database but mysql, sys, information_schema and performance_schema."));
    static final ConfigKey<List<String>> TABLES_INCLUDE = SPEC.define(ConfigKey.of("tables.include", ConfigType.LIST,
            List.of(), "Regular expressions over db.table; when set, only matching tables are captured."));
    static final ConfigKey<List<String>> TABLES_EXCLUDE = SPEC.define(ConfigKey.of("tables.exclude", ConfigType.LIST,
            List.of(), "Regular expressions over db.table; matching tables are never captured."));
    static final ConfigKey<List<String>> COLUMNS_EXCLUDE = SPEC.define(ConfigKey.of("columns.exclude", ConfigType.LIST,
            List.of(), "Columns left out of every event, as db.table.column."));
    static final ConfigKey<List<String>> COLUMNS_MASK = SPEC.define(ConfigKey.of("columns.mask", ConfigType.LIST,
            List.of(), "Columns whose non-null values are replaced by ****, as db.table.column."));
    static final ConfigKey<SnapshotMode> SNAPSHOT_MODE = SPEC.define(ConfigKey.of("snapshot.mode", ConfigType.enumOf(SnapshotMode.class),
            SnapshotMode.INITIAL, "initial, never, when_needed or schema_only (see the README)."));
    static final ConfigKey<Integer> SNAPSHOT_FETCH_SIZE = SPEC.define(ConfigKey.of("snapshot.fetch.size", ConfigType.INT,
            10_000, atLeast(1), "Rows per chunk of a snapshot: per query of a table read in key order, per Kafka transaction and "
                    + "progress line; an interrupted snapshot resumes after the last stored chunk."));
    static final ConfigKey<Integer> SNAPSHOT_MAX_ROWS_PER_SECOND = SPEC.define(ConfigKey.of("snapshot.max.rows.per.second", ConfigType.INT,
            0, atLeast(0), "Upper bound on the snapshot's read rate, to spare a busy source database: after each chunk the snapshot "
                    + "waits until its average rate is at or below this. 0 means no bound."));
    static final ConfigKey<String> OFFSETS_TOPIC = SPEC.define(ConfigKey.of("offsets.topic", ConfigType.STRING,
            "", "Compacted topic holding the stored binlog position; empty means rdbms.<server>.offsets."));
    static final ConfigKey<Integer> TOPIC_PARTITIONS = SPEC.define(ConfigKey.of("topic.partitions", ConfigType.INT,
            3, atLeast(1), "Partitions of the change-event topics the service creates (records are keyed by primary key)."));
    static final ConfigKey<Integer> TOPIC_REPLICATION = SPEC.define(ConfigKey.of("topic.replication", ConfigType.INT,
            3, atLeast(1), "Replication factor of the topics the service creates (capped at the number of brokers)."));
    static final ConfigKey<Duration> CONNECT_TIMEOUT = SPEC.define(ConfigKey.of("database.connect.timeout", ConfigType.DURATION,
            Duration.ofSeconds(10), ConfigRule.positiveDuration(), "How long to wait for the database to answer a connection."));

    static final ConfigKey<Boolean> TRANSACTION_EVENTS = SPEC.define(ConfigKey.of("transaction.events", ConfigType.BOOLEAN,
            false, "Also write a BEGIN and an END event per source transaction to rdbms.<server>.transaction, and each change's "
                    + "place in its transaction (transaction.id, total_order, data_collection_order)."));
    static final ConfigKey<Duration> HEARTBEAT_INTERVAL = SPEC.define(ConfigKey.of("heartbeat.interval", ConfigType.DURATION,
            Duration.ZERO, new ConfigRule<>("zero (off) or positive", d -> !d.isNegative()),
            "Every interval, a heartbeat record (server, binlog position, time) to rdbms.<server>.heartbeat together with the "
                    + "stored position; transactions that change no captured table then move the stored position at the next "
                    + "heartbeat instead of in a Kafka transaction each. 0 turns heartbeats off."));

    static final ConfigKey<String> HEALTH_HOST = SPEC.define(ConfigKey.of("health.host", ConfigType.STRING,
            "127.0.0.1", nonBlank(), "Address of the /health and /metrics endpoint."));
    static final ConfigKey<Integer> HEALTH_PORT = SPEC.define(ConfigKey.of("health.port", ConfigType.INT,
            8082, ConfigRule.between(-1, 65535), "Port of the /health and /metrics endpoint; 0 picks a free one, -1 turns it off."));

    // Polling mode (capture.mode=polling): read by PollingConfig; the binlog mode ignores these keys.
    static final ConfigKey<CaptureMode> CAPTURE_MODE = SPEC.define(ConfigKey.of("capture.mode", ConfigType.enumOf(CaptureMode.class),
            CaptureMode.BINLOG, "binlog streams every committed change from the binlog (needs REPLICATION rights); polling queries the "
                    + "tables for new and changed rows with SELECT only (see the README's limits)."));
    static final ConfigKey<PollingMode> POLLING_MODE = SPEC.define(ConfigKey.of("polling.mode", PollingMode.CONFIG_TYPE,
            PollingMode.TIMESTAMP_INCREMENTING, "How a polled table's new rows are found, unless polling.table.mode names the table: "
                    + "incrementing (inserts only), timestamp, or timestamp+incrementing (see the README)."));
    static final ConfigKey<String> POLLING_TIMESTAMP_COLUMN = SPEC.define(ConfigKey.of("polling.timestamp.column", ConfigType.STRING,
            "", "The TIMESTAMP or DATETIME column holding each row's last-change time, for the timestamp modes, in every table "
                    + "polling.table.timestamp.column does not name."));
    static final ConfigKey<String> POLLING_INCREMENTING_COLUMN = SPEC.define(ConfigKey.of("polling.incrementing.column", ConfigType.STRING,
            "", "The unique integer column of the incrementing modes, in every table polling.table.incrementing.column does not name; "
                    + "empty means the table's AUTO_INCREMENT column (with timestamp+incrementing, else its one-column integer primary key)."));
    static final ConfigKey<List<String>> POLLING_TABLE_MODE = SPEC.define(ConfigKey.of("polling.table.mode", ConfigType.LIST,
            List.of(), "Per-table polling.mode, as db.table:mode."));
    static final ConfigKey<List<String>> POLLING_TABLE_TIMESTAMP_COLUMN = SPEC.define(ConfigKey.of("polling.table.timestamp.column",
            ConfigType.LIST, List.of(), "Per-table timestamp column, as db.table.column."));
    static final ConfigKey<List<String>> POLLING_TABLE_INCREMENTING_COLUMN = SPEC.define(ConfigKey.of("polling.table.incrementing.column",
            ConfigType.LIST, List.of(), "Per-table incrementing column, as db.table.column."));
    static final ConfigKey<Duration> POLLING_INTERVAL = SPEC.define(ConfigKey.of("polling.interval", ConfigType.DURATION,
            Duration.ofSeconds(5), ConfigRule.positiveDuration(), "Pause between polls once every table is caught up."));
    static final ConfigKey<Integer> POLLING_BATCH_ROWS = SPEC.define(ConfigKey.of("polling.batch.rows", ConfigType.INT,
            1000, atLeast(1), "Rows per query, and per Kafka transaction with the table's offset."));
    static final ConfigKey<Duration> POLLING_TIMESTAMP_DELAY = SPEC.define(ConfigKey.of("polling.timestamp.delay", ConfigType.DURATION,
            Duration.ofSeconds(5), new ConfigRule<>("zero or positive", d -> !d.isNegative()), "A row is polled only once its timestamp "
                    + "is older than the database's clock minus this, so that rows committed out of timestamp order are not passed by; "
                    + "set it above the longest write transaction."));

    public static CdcConfig from(ConfigValues values) {
        String server = values.get(SERVER_NAME);
        String offsets = values.get(OFFSETS_TOPIC).isBlank() ? "rdbms." + server + ".offsets" : values.get(OFFSETS_TOPIC);
        return new CdcConfig(values.get(BOOTSTRAP_SERVERS), values.get(HOST), values.get(PORT), values.get(USER), values.get(PASSWORD),
                server, values.get(SERVER_ID), values.get(DATABASES), patterns(TABLES_INCLUDE, values.get(TABLES_INCLUDE)),
                patterns(TABLES_EXCLUDE, values.get(TABLES_EXCLUDE)), values.get(COLUMNS_EXCLUDE), values.get(COLUMNS_MASK),
                values.get(SNAPSHOT_MODE), values.get(SNAPSHOT_FETCH_SIZE), values.get(SNAPSHOT_MAX_ROWS_PER_SECOND), offsets, values.get(TOPIC_PARTITIONS),
                values.get(TOPIC_REPLICATION).shortValue(), values.get(CONNECT_TIMEOUT), values.get(HEALTH_HOST), values.get(HEALTH_PORT),
                values.withPrefix("kafka.producer."), values.get(TRANSACTION_EVENTS), values.get(HEARTBEAT_INTERVAL));
    }

    private static List<Pattern> patterns(ConfigKey<List<String>> key, List<String> regexes) {
        return regexes.stream().map(regex -> {
            try {
                return Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new ConfigException(key.name(), "config key '" + key.name() + "': '" + regex + "' is not a regular expression: "
                        + e.getDescription());
            }
        }).toList();
    }

    private static final Set<String> SYSTEM_DATABASES = Set.of("mysql", "sys", "information_schema", "performance_schema");

    /** Whether changes of {@code db.table} are captured. */
    public boolean captures(String database, String table) {
        if (SYSTEM_DATABASES.contains(database.toLowerCase(java.util.Locale.ROOT))) {
            return false;
        }
        if (!databases.isEmpty() && !databases.contains(database)) {
            return false;
        }
        String name = database + "." + table;
        if (!tablesInclude.isEmpty() && tablesInclude.stream().noneMatch(p -> p.matcher(name).matches())) {
            return false;
        }
        return tablesExclude.stream().noneMatch(p -> p.matcher(name).matches());
    }

    public String jdbcUrl() {
        return "jdbc:mysql://" + host + ":" + port + "/?allowPublicKeyRetrieval=true&useSSL=false&connectTimeout="
                + connectTimeout.toMillis() + "&useCursorFetch=true&zeroDateTimeBehavior=CONVERT_TO_NULL";
    }
}
