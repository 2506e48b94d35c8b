package io.datalakelab.rdbms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.testkit.Await;
import io.datalakelab.testkit.BinlogDatabase;
import io.datalakelab.testkit.KafkaCluster;
import java.nio.charset.StandardCharsets;
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
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Change capture against a real database with a ROW binlog and a real KRaft broker, both started once for the
 * class: every test runs on each engine, through one subclass per engine ({@link MariaDbChangeCaptureIT},
 * {@link MySqlChangeCaptureIT}). Where the engine checks privileges, the capture connects as a user with a
 * password that holds only the grants the module's README names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ChangeCaptureIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaCluster kafka;
    private static BinlogDatabase database;
    private static Credentials captureUser;

    /** Who the capture connects as. */
    record Credentials(String user, String password) {
    }

    /** Starts the engine under test with its ROW binlog. */
    abstract BinlogDatabase startDatabase() throws Exception;

    /** Creates the user the capture connects as, once the database is up. */
    abstract Credentials createCaptureUser() throws Exception;

    @BeforeAll
    void start() throws Exception {
        kafka = new KafkaCluster().withBrokers(1).start();
        database = startDatabase();
        captureUser = createCaptureUser();
    }

    @AfterAll
    void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (database != null) {
            database.close();
        }
    }

    static CdcConfig config(String server, String databaseName, String... extra) {
        return CdcConfig.from(configValues(server, databaseName, extra));
    }

    static io.datalakelab.core.config.ConfigValues configValues(String server, String databaseName, String... extra) {
        List<String> settings = new ArrayList<>(List.of("bootstrap.servers=" + kafka.bootstrapServers(), "database.port=" + database.port(),
                "database.user=" + captureUser.user(), "database.password=" + captureUser.password(),
                "server.name=" + server, "databases.include=" + databaseName, "topic.replication=1", "topic.partitions=2"));
        settings.addAll(List.of(extra));
        return CdcConfig.SPEC.load(null, Map.of(), settings);
    }

    static void sql(String... statements) throws Exception {
        database.execute(statements);
    }

    /** Runs a capture in its own thread until closed; fails the test if it stopped with an error. */
    private static final class Running implements AutoCloseable {
        final ChangeCapture capture;
        final Thread thread;

        Running(CdcConfig config) throws Exception {
            capture = new ChangeCapture(config);
            thread = new Thread(capture, "capture");
            thread.start();
        }

        /** Polls {@code condition}, failing at once with the capture's own error if it stopped. */
        void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
            Await.until(what, Duration.ofSeconds(60), () -> {
                if (capture.failure().isPresent()) {
                    throw new AssertionError("the capture failed: " + capture.failure().get(), capture.failure().get());
                }
                return condition.call();
            });
        }

        @Override
        public void close() throws Exception {
            capture.close();
            thread.join(30_000);
            assertThat(capture.failure()).as("the capture's failure").isEmpty();
        }
    }

    /** Every committed record of {@code topic}, read until {@code expected} have come (or the deadline). */
    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Await.until(expected + " records in " + topic, Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
            consumer.poll(Duration.ofMillis(500)).forEach(out::add); // nothing more should come
        }
        out.sort(java.util.Comparator.comparingInt(ConsumerRecord<byte[], byte[]>::partition).thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    private static JsonNode value(ConsumerRecord<byte[], byte[]> record) throws Exception {
        return record.value() == null ? null : JSON.readTree(record.value());
    }

    @Test
    void everyOperationAndColumnTypeArrivesInTheEnvelopeTheSameFromSnapshotAndBinlog() throws Exception {
        sql("CREATE DATABASE types_db", "CREATE TABLE types_db.t ("
                + "id INT UNSIGNED PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, "
                + "de DECIMAL(10,2), fl FLOAT, db DOUBLE, d DATE, t TIME(3), dt DATETIME(6), ts TIMESTAMP(3) NULL, y YEAR, "
                + "c CHAR(3), vc VARCHAR(20), tx TEXT, bl BLOB, vb VARBINARY(4), e ENUM('new','paid'), s SET('a','b','c'), "
                + "b BIT(5), j JSON, n VARCHAR(5) NULL, secret VARCHAR(10), hidden VARCHAR(10)) CHARACTER SET utf8mb4");
        String values = "-5, 255, 4294967295, -9000000000, 18446744073709551615, 12.50, 1.5, 2.25, '2026-11-23', '10:15:30.5', "
                + "'2026-11-23 10:15:30.123456', '2026-11-23 10:15:30.5', 2026, 'abc', 'olá', 'texto ção', X'00FF10', X'CAFE', 'paid', 'a,c', "
                + "b'10101', '{\"k\": [1, 2], \"f\": 0.25, \"s\": \"olá\"}', NULL, 'pin-1234', 'invisible'";
        sql("SET time_zone = '+00:00'", "INSERT INTO types_db.t VALUES (1, " + values + ")");

        try (Running running = new Running(config("types", "types_db", "columns.mask=types_db.t.secret", "columns.exclude=types_db.t.hidden"))) {
            running.await("the snapshot stored its position", () -> running.capture.committedPosition().isPresent());
            sql("SET time_zone = '+00:00'", "INSERT INTO types_db.t VALUES (2, " + values + ")",
                    "UPDATE types_db.t SET vc = 'mudou', tu = 0 WHERE id = 2", "DELETE FROM types_db.t WHERE id = 2");
            List<ConsumerRecord<byte[], byte[]>> records = read("rdbms.types.types_db.t", 5);

            assertThat(records).hasSize(5);
            Map<String, List<JsonNode>> byOp = new HashMap<>();
            ConsumerRecord<byte[], byte[]> tombstone = null;
            for (ConsumerRecord<byte[], byte[]> record : records) {
                JsonNode event = value(record);
                if (event == null) {
                    tombstone = record;
                } else {
                    byOp.computeIfAbsent(event.get("op").asText(), k -> new ArrayList<>()).add(event);
                }
            }
            JsonNode snapshot = byOp.get("r").get(0);
            JsonNode insert = byOp.get("c").get(0);
            JsonNode update = byOp.get("u").get(0);
            JsonNode delete = byOp.get("d").get(0);

            JsonNode row = insert.get("after");
            assertThat(row.get("id").asLong()).isEqualTo(2);
            assertThat(row.get("ti").asLong()).isEqualTo(-5);
            assertThat(row.get("tu").asLong()).isEqualTo(255);
            assertThat(row.get("iu").asLong()).isEqualTo(4_294_967_295L);
            assertThat(row.get("bi").asLong()).isEqualTo(-9_000_000_000L);
            assertThat(row.get("bu").asText()).isEqualTo("18446744073709551615");
            assertThat(row.get("de").asText()).isEqualTo("12.50");
            assertThat(row.get("fl").asDouble()).isEqualTo(1.5);
            assertThat(row.get("db").asDouble()).isEqualTo(2.25);
            assertThat(row.get("d").asText()).isEqualTo("2026-11-23");
            assertThat(row.get("t").asText()).isEqualTo("10:15:30.5");
            assertThat(row.get("dt").asText()).isEqualTo("2026-11-23T10:15:30.123456");
            assertThat(row.get("ts").asText()).isEqualTo("2026-11-23T10:15:30.5Z");
            assertThat(row.get("y").asInt()).isEqualTo(2026);
            assertThat(row.get("c").asText()).isEqualTo("abc");
            assertThat(row.get("vc").asText()).isEqualTo("olá");
            assertThat(row.get("tx").asText()).isEqualTo("texto ção");
            assertThat(row.get("bl").asText()).isEqualTo("AP8Q");
            assertThat(row.get("vb").asText()).isEqualTo("yv4=");
            assertThat(row.get("e").asText()).isEqualTo("paid");
            assertThat(row.get("s").asText()).isEqualTo("a,c");
            assertThat(row.get("b").asLong()).isEqualTo(21);
            JsonNode document = JSON.readTree(row.get("j").asText());
            assertThat(document.get("k").get(1).asInt()).isEqualTo(2);
            assertThat(document.get("f").asDouble()).isEqualTo(0.25);
            assertThat(document.get("s").asText()).isEqualTo("olá");
            assertThat(row.get("n").isNull()).isTrue();
            assertThat(row.get("secret").asText()).isEqualTo("****");
            assertThat(row.has("hidden")).isFalse();

            // The snapshot read and the binlog decode the same row to the same JSON.
            com.fasterxml.jackson.databind.node.ObjectNode snapshotRow = snapshot.get("after").deepCopy();
            snapshotRow.put("id", 2);
            assertThat(snapshotRow).isEqualTo(row);
            assertThat(snapshot.get("source").get("snapshot").asBoolean()).isTrue();
            assertThat(insert.get("source").get("snapshot").asBoolean()).isFalse();
            assertThat(insert.get("source").get("file").asText()).isNotBlank();
            assertThat(insert.get("source").get("pos").asLong()).as("a position in the binlog file").isGreaterThan(4);
            assertThat(insert.get("source").get("table").asText()).isEqualTo("t");

            assertThat(update.get("before").get("vc").asText()).isEqualTo("olá");
            assertThat(update.get("after").get("vc").asText()).isEqualTo("mudou");
            assertThat(update.get("after").get("tu").asLong()).isZero();
            assertThat(delete.get("before").get("id").asLong()).isEqualTo(2);
            assertThat(delete.get("after").isNull()).isTrue();
            assertThat(tombstone).isNotNull();
            assertThat(new String(tombstone.key(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":2}");
            assertThat(records.get(records.indexOf(tombstone) - 1).key()).as("the tombstone follows its delete").isEqualTo(tombstone.key());
        }
    }

    @Test
    void snapshotHandoverAndRestartsUnderConcurrentWritesNeitherSkipNorRepeatACommittedChange() throws Exception {
        sql("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY AUTO_INCREMENT, amount INT NOT NULL)");
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> writer = incrementingWriter("shop", writing);
        Await.until("rows before the snapshot", Duration.ofSeconds(30), () -> countRows("shop") >= 50);
        CdcConfig config = config("shop", "shop");
        for (int run = 0; run < 3; run++) {
            try (Running running = new Running(config)) {
                long before = running.capture.changesPublished();
                running.await("changes streamed in run " + run, () -> running.capture.changesPublished() > before + 100);
            }
        }
        writing.set(false);
        writer.get();
        assertTopicReplaysToTheTable(config, "shop");
    }

    @Test
    void anInterruptedSnapshotResumesAfterItsLastChunkAndStreamingPublishesOnlyWhatEachAttemptHadNotRead() throws Exception {
        sql("CREATE DATABASE chunks", "CREATE TABLE chunks.a_orders (id INT PRIMARY KEY, amount INT NOT NULL)",
                "CREATE TABLE chunks.b_items (id BIGINT UNSIGNED PRIMARY KEY, amount INT NOT NULL)",
                "CREATE TABLE chunks.c_log (label VARCHAR(10) NOT NULL, amount INT NOT NULL)",
                insertZeroAmounts("chunks.a_orders", 2000), insertZeroAmounts("chunks.b_items", 300),
                "INSERT INTO chunks.c_log VALUES ('x', 0), ('y', 0)");
        // The first attempt reads 400 rows/s in chunks of 100, so it is still inside a_orders when it is stopped.
        try (Running running = new Running(config("chunks", "chunks", "snapshot.fetch.size=100", "snapshot.max.rows.per.second=400"))) {
            running.await("a chunk of a_orders stored", () -> storedSnapshotNext("chunks").map(next -> next.afterKey() != null).orElse(false));
        }
        SnapshotProgress.Boundary stoppedAt = storedSnapshotNext("chunks").orElseThrow();
        assertThat(stoppedAt.table()).isEqualTo("a_orders");
        long lastRead = stoppedAt.afterKey().get(0).longValueExact();
        assertThat(lastRead).as("stopped inside a_orders").isBetween(100L, 1900L);

        // While the capture is down: changes to rows the first attempt read (1, 2) and to rows it had not (the rest).
        sql("UPDATE chunks.a_orders SET amount = amount + 1 WHERE id IN (1, 2000)", "DELETE FROM chunks.a_orders WHERE id IN (2, 1999)",
                "INSERT INTO chunks.a_orders VALUES (3000, 0)", "UPDATE chunks.b_items SET amount = amount + 1 WHERE id = 5",
                "UPDATE chunks.c_log SET amount = amount + 1 WHERE label = 'x'");
        Map<String, Map<String, Integer>> tables;
        List<ConsumerRecord<byte[], byte[]>> orders;
        try (Running running = new Running(config("chunks", "chunks", "snapshot.fetch.size=100"))) {
            running.await("the resumed snapshot", () -> running.capture.committedPosition().isPresent());
            sql("UPDATE chunks.a_orders SET amount = amount + 1 WHERE id IN (1, 2000)", "UPDATE chunks.b_items SET amount = amount + 1 WHERE id = 5");
            tables = Map.of("a_orders", amountsById("chunks.a_orders"), "b_items", amountsById("chunks.b_items"));
            running.await("a_orders and b_items replayed to the tables", () -> {
                for (Map.Entry<String, Map<String, Integer>> table : tables.entrySet()) {
                    if (!replayedAmounts(readAllNow("rdbms.chunks.chunks." + table.getKey())).equals(table.getValue())) {
                        return false;
                    }
                }
                return true;
            });
            orders = readAllNow("rdbms.chunks.chunks.a_orders");
        }

        // Every row is created once (r or c) and each update adds one: no state from before a row's read comes after it.
        for (String table : tables.keySet()) {
            assertThat(historyProblems(readAllNow("rdbms.chunks.chunks." + table))).as(table).isEmpty();
        }
        Map<Integer, List<String>> history = new TreeMap<>();
        Map<Integer, String> readAt = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : orders) {
            JsonNode event = value(record);
            if (event != null) {
                JsonNode row = event.get("op").asText().equals("d") ? event.get("before") : event.get("after");
                history.computeIfAbsent(row.get("id").asInt(), id -> new ArrayList<>()).add(event.get("op").asText() + row.get("amount").asInt());
                if (event.get("op").asText().equals("r")) {
                    readAt.put(row.get("id").asInt(), event.get("source").get("file").asText() + ":" + event.get("source").get("pos").asLong());
                }
            }
        }
        assertThat(history.get(1)).as("read by the first attempt: every change after it").containsExactly("r0", "u1", "u2");
        assertThat(history.get(2)).containsExactly("r0", "d0");
        assertThat(history.get(2000)).as("read by the second attempt, which saw the first update").containsExactly("r1", "u2");
        assertThat(history).as("deleted before the second attempt read it").doesNotContainKey(1999);
        assertThat(history.get(3000)).as("inserted before the second attempt read it").containsExactly("r0");
        String firstAttempt = readAt.get(1);
        String secondAttempt = readAt.get(2000);
        assertThat(firstAttempt).isNotEqualTo(secondAttempt);
        assertThat(readAt).allSatisfy((id, position) -> assertThat(position).as("order %d", id).isEqualTo(id <= lastRead ? firstAttempt : secondAttempt));

        List<String> log = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readAllNow("rdbms.chunks.chunks.c_log")) {
            JsonNode event = value(record);
            log.add(event.get("op").asText() + event.get("after").get("label").asText() + event.get("after").get("amount").asInt());
        }
        assertThat(log).as("a table without a key is read again whole by the second attempt").containsExactlyInAnyOrder("rx1", "ry0");
    }

    /** Where the stored snapshot of {@code server} reads next, while it is not done. */
    private static Optional<SnapshotProgress.Boundary> storedSnapshotNext(String server) {
        return ChangePublisher.storedPosition(kafka.bootstrapServers(), "rdbms." + server + ".offsets", server)
                .map(BinlogPosition::snapshot).map(SnapshotProgress::next);
    }

    private static String insertZeroAmounts(String table, int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (id, amount) VALUES ");
        for (int id = 1; id <= rows; id++) {
            sql.append(id == 1 ? "" : ", ").append('(').append(id).append(", 0)");
        }
        return sql.toString();
    }

    private static Map<String, Integer> amountsById(String table) throws Exception {
        Map<String, Integer> out = new TreeMap<>();
        try (Connection connection = database.connect(""); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT id, amount FROM " + table)) {
            while (rows.next()) {
                out.put(rows.getString(1), rows.getInt(2));
            }
        }
        return out;
    }

    /** The table a change topic replays to: per key, the last event's amount; a delete removes the row. */
    private static Map<String, Integer> replayedAmounts(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, Integer> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode event = value(record);
            if (event != null && event.get("op").asText().equals("d")) {
                out.remove(event.get("before").get("id").asText());
            } else if (event != null) {
                out.put(event.get("after").get("id").asText(), event.get("after").get("amount").asInt());
            }
        }
        return out;
    }

    /** Rows created twice, and updates that do not add exactly one to the amount before them. */
    private static List<String> historyProblems(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, Integer> amounts = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode event = value(record);
            if (event == null) {
                continue;
            }
            String op = event.get("op").asText();
            if (op.equals("d")) {
                amounts.remove(event.get("before").get("id").asText());
                continue;
            }
            String id = event.get("after").get("id").asText();
            Integer previous = amounts.put(id, event.get("after").get("amount").asInt());
            if (op.equals("u") && (previous == null || amounts.get(id) != previous + 1)) {
                problems.add("row " + id + ": " + previous + " then " + amounts.get(id));
            } else if (!op.equals("u") && previous != null) {
                problems.add("row " + id + " created twice (" + op + ")");
            }
        }
        return problems;
    }

    /**
     * The polling mode on this engine (its own tests run on MariaDB in {@link PollingCaptureIT}): the same incrementing
     * writer, a capture stopped and started mid-workload, then every order's polled states only increase and the last
     * is the row now.
     */
    @Test
    void thePollingModeOnThisEngineNeitherSkipsNorRepeatsARowStateAcrossARestart() throws Exception {
        sql("CREATE DATABASE polled", "CREATE TABLE polled.orders (id INT PRIMARY KEY AUTO_INCREMENT, amount INT NOT NULL, "
                + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY (updated_at, id))");
        String[] polling = {"capture.mode=polling", "polling.timestamp.column=updated_at", "polling.batch.rows=40", "polling.interval=100ms",
                "polling.timestamp.delay=1s"};
        io.datalakelab.core.config.ConfigValues values = configValues("polled", "polled", polling);
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> writer = incrementingWriter("polled", writing);
        try (PollingCapture capture = new PollingCapture(CdcConfig.from(values), PollingConfig.from(values))) {
            Thread thread = new Thread(capture, "polling");
            thread.start();
            Await.until("rows polled before the restart", Duration.ofSeconds(60), () -> {
                assertThat(capture.failure()).isEmpty();
                return capture.changesPublished() > 100;
            });
            capture.close();
            thread.join(30_000);
            assertThat(capture.failure()).isEmpty();
        }
        writing.set(false);
        writer.get();
        Map<String, Integer> table = amountsById("polled.orders");
        List<String> problems = new ArrayList<>();
        try (PollingCapture capture = new PollingCapture(CdcConfig.from(values), PollingConfig.from(values))) {
            Thread thread = new Thread(capture, "polling");
            thread.start();
            Await.until("the topic reaches the table", Duration.ofSeconds(90), () -> {
                assertThat(capture.failure()).isEmpty();
                problems.clear();
                Map<String, Integer> polled = new TreeMap<>();
                for (ConsumerRecord<byte[], byte[]> record : readAllNow("rdbms.polled.polled.orders")) {
                    JsonNode row = value(record).get("after");
                    Integer previous = polled.put(row.get("id").asText(), row.get("amount").asInt());
                    if (previous != null && row.get("amount").asInt() <= previous) {
                        problems.add("order " + row.get("id").asText() + ": " + previous + " then " + row.get("amount").asInt());
                    }
                }
                return polled.equals(table);
            });
            capture.close();
            thread.join(30_000);
        }
        assertThat(problems).as("a row state polled twice or out of order").isEmpty();
        assertThat(table).hasSizeGreaterThan(150);
    }

    @Test
    void aCaptureProcessKilledWithSigkillRepeatedlyNeitherSkipsNorRepeatsACommittedChange() throws Exception {
        sql("CREATE DATABASE crashes", "CREATE TABLE crashes.orders (id INT PRIMARY KEY AUTO_INCREMENT, amount INT NOT NULL)");
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> writer = incrementingWriter("crashes", writing);
        CdcConfig config = config("crashes", "crashes");
        java.nio.file.Path log = java.nio.file.Files.createTempFile("capture-process", ".log");
        int kills = 0;
        for (int run = 0; run < 5; run++) {
            Optional<BinlogPosition> before = ChangePublisher.storedPosition(kafka.bootstrapServers(), config.offsetsTopic(), "crashes");
            ProcessBuilder captureProcess = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CdcCommand.class.getName(),
                    "--set", "bootstrap.servers=" + kafka.bootstrapServers(), "--set", "database.port=" + database.port(),
                    "--set", "database.user=" + captureUser.user(),
                    "--set", "server.name=crashes", "--set", "databases.include=crashes", "--set", "topic.replication=1",
                    "--set", "topic.partitions=2", "--set", "health.port=-1")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            captureProcess.environment().put("CDC_DATABASE_PASSWORD", captureUser.password());
            Process capture = captureProcess.start();
            // Kill it once it has moved the stored position on: mid-stream, with the writer still going.
            Await.until("the capture process to publish (run " + run + ")", Duration.ofSeconds(60), () -> {
                if (!capture.isAlive()) {
                    throw new AssertionError("the capture process exited with " + capture.exitValue() + "; see " + log);
                }
                Optional<BinlogPosition> now = ChangePublisher.storedPosition(kafka.bootstrapServers(), config.offsetsTopic(), "crashes");
                return now.isPresent() && now.get().snapshotDone() && !now.equals(before);
            });
            capture.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            capture.waitFor();
            kills++;
        }
        writing.set(false);
        writer.get();
        assertThat(kills).isEqualTo(5);
        assertTopicReplaysToTheTable(config, "crashes");
    }

    @Test
    void aDatabaseRestartMidStreamIsRiddenOutByReconnectingFromThePublishedPosition() throws Exception {
        sql("CREATE DATABASE restarts", "CREATE TABLE restarts.orders (id INT PRIMARY KEY AUTO_INCREMENT, amount INT NOT NULL)");
        CdcConfig config = config("restarts", "restarts");
        try (Running running = new Running(config)) {
            AtomicBoolean writing = new AtomicBoolean(true);
            CompletableFuture<Integer> writer = incrementingWriter("restarts", writing);
            running.await("changes streamed before the restart", () -> running.capture.changesPublished() > 100);
            writing.set(false);
            writer.get();
            // The capture's binlog connection drops with the server; after the restart it connects first, before any
            // query, so on MySQL its user authenticates with caching_sha2_password's full exchange (an empty cache).
            database.restart();
            long before = running.capture.changesPublished();
            AtomicBoolean writingAgain = new AtomicBoolean(true);
            CompletableFuture<Integer> writerAgain = incrementingWriter("restarts", writingAgain);
            running.await("changes streamed after the restart", () -> running.capture.changesPublished() > before + 100);
            writingAgain.set(false);
            writerAgain.get();
        }
        assertTopicReplaysToTheTable(config, "restarts");
    }

    @Test
    void aPurgedStoredPositionStopsTheStartWithTheWayOutOrSnapshotsAgainWhenAllowed() throws Exception {
        sql("CREATE DATABASE purged", "CREATE TABLE purged.items (id INT PRIMARY KEY, name VARCHAR(10))", "INSERT INTO purged.items VALUES (1, 'a')");
        CdcConfig config = config("purged", "purged");
        try (Running running = new Running(config)) {
            running.await("the first snapshot", () -> running.capture.committedPosition().isPresent());
        }
        BinlogPosition stored = ChangePublisher.storedPosition(kafka.bootstrapServers(), config.offsetsTopic(), "purged").orElseThrow();
        sql("INSERT INTO purged.items VALUES (2, 'b')", "FLUSH BINARY LOGS");
        String current;
        try (Connection connection = database.connect("")) {
            current = Snapshot.currentPosition(connection).file(); // SHOW MASTER STATUS is gone from MySQL 8.4
        }
        // The server keeps a binlog that a replica connection still reads: purge until the stored one is gone.
        Await.until(stored.file() + " purged", Duration.ofSeconds(30), () -> {
            try (Connection connection = database.connect(""); Statement sql = connection.createStatement();
                 ResultSet dumps = sql.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")) {
                List<Long> ids = new ArrayList<>();
                while (dumps.next()) {
                    ids.add(dumps.getLong(1));
                }
                for (long id : ids) {
                    sql.execute("KILL " + id); // the closed capture's dump thread, which the server has not noticed yet
                }
            }
            sql("PURGE BINARY LOGS TO '" + current + "'");
            try (Connection connection = database.connect(""); Statement sql = connection.createStatement();
                 ResultSet rows = sql.executeQuery("SHOW BINARY LOGS")) {
                while (rows.next()) {
                    if (rows.getString(1).equals(stored.file())) {
                        return false;
                    }
                }
                return true;
            }
        });

        ChangeCapture refused = new ChangeCapture(config);
        Thread refusing = new Thread(refused);
        refusing.start();
        refusing.join(60_000);
        assertThat(refusing.isAlive()).as("a capture whose position was purged must stop, not stream").isFalse();
        assertThat(refused.failure()).get().extracting(Throwable::getMessage).asString()
                .contains("was purged").contains("snapshot.mode=when_needed").contains("--delete --topic rdbms.purged.offsets");

        try (Running running = new Running(config("purged", "purged", "snapshot.mode=when_needed"))) {
            running.await("a new snapshot", () -> running.capture.committedPosition().map(p -> p.file().equals(current)).orElse(false));
        }
        List<ConsumerRecord<byte[], byte[]>> records = read("rdbms.purged.purged.items", 3);
        assertThat(records.stream().map(r -> {
            try {
                return value(r).get("op").asText() + value(r).get("after").get("id").asInt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).as("row 2's insert was purged, so the new snapshot reads both rows").containsExactlyInAnyOrder("r1", "r1", "r2");
    }

    @Test
    void aServerWithoutRowBinlogsIsRefusedWithTheStatementThatFixesIt() throws Exception {
        sql("SET GLOBAL binlog_format = 'STATEMENT'");
        try {
            assertThatThrownBy(() -> new ChangeCapture(config("statement", "nothing")))
                    .hasMessageContaining("binlog_format is STATEMENT").hasMessageContaining("SET GLOBAL binlog_format = 'ROW'");
        } finally {
            sql("SET GLOBAL binlog_format = 'ROW'");
        }
    }

    /** Inserts rows at amount 0 and adds one to random rows' amounts, each statement its own transaction. */
    private static CompletableFuture<Integer> incrementingWriter(String databaseName, AtomicBoolean writing) {
        return CompletableFuture.supplyAsync(() -> {
            int statements = 0;
            try (Connection connection = database.connect(databaseName); Statement sql = connection.createStatement()) {
                java.util.Random random = new java.util.Random(7);
                while (writing.get() || statements < 600) {
                    // Each update adds exactly one, so every row's history is 0, 1, 2, ... with nothing missing or twice.
                    if (statements % 3 == 0 || statements < 50) {
                        sql.execute("INSERT INTO orders (amount) VALUES (0)");
                    } else {
                        sql.execute("UPDATE orders SET amount = amount + 1 WHERE id = " + (1 + random.nextInt(40)));
                    }
                    statements++;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return statements;
        });
    }

    /**
     * Runs a capture until the topic of {@code databaseName}.orders replays to the table: per key, every event's
     * amount must be the previous one plus one (an r or c event starts the history), so a skipped or repeated
     * change shows.
     */
    private static void assertTopicReplaysToTheTable(CdcConfig config, String databaseName) throws Exception {
        Map<Integer, Integer> table = new TreeMap<>();
        try (Connection connection = database.connect(databaseName); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT id, amount FROM orders")) {
            while (rows.next()) {
                table.put(rows.getInt(1), rows.getInt(2));
            }
        }
        long updates = table.values().stream().mapToLong(Integer::longValue).sum();
        String topic = "rdbms." + config.serverName() + "." + databaseName + ".orders";
        try (Running ignored = new Running(config)) {
            Map<Integer, Integer> replayed = new TreeMap<>();
            List<String> problems = new ArrayList<>();
            Await.until("the topic replays to the table", Duration.ofSeconds(90), () -> {
                replayed.clear();
                problems.clear();
                for (ConsumerRecord<byte[], byte[]> record : readAllNow(topic)) {
                    JsonNode event = value(record);
                    if (event == null) {
                        continue;
                    }
                    int id = event.get("after").get("id").asInt();
                    int amount = event.get("after").get("amount").asInt();
                    Integer previous = replayed.put(id, amount);
                    String op = event.get("op").asText();
                    if (op.equals("u") && (previous == null || amount != previous + 1)) {
                        problems.add("order " + id + ": " + previous + " then " + amount);
                    }
                    if (!op.equals("u") && previous != null) {
                        problems.add("order " + id + " created twice (" + op + ")");
                    }
                }
                return replayed.equals(table);
            });
            assertThat(problems).isEmpty();
            assertThat(table).hasSizeGreaterThan(150);
            assertThat(updates).isGreaterThan(300);
        }
    }

    private static long countRows(String databaseName) throws Exception {
        try (Connection connection = database.connect(databaseName); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT COUNT(*) FROM orders")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAllNow(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void anAlterInTheMiddleOfTheStreamDecodesRowsBeforeAndAfterAndIsPublished() throws Exception {
        sql("CREATE DATABASE ddl_db", "CREATE TABLE ddl_db.items (id INT PRIMARY KEY, name VARCHAR(10))");
        try (Running running = new Running(config("ddl", "ddl_db", "snapshot.mode=never"))) {
            running.await("streaming started", () -> running.capture.committedPosition().isPresent());
            sql("INSERT INTO ddl_db.items VALUES (1, 'before')",
                    "ALTER TABLE ddl_db.items ADD COLUMN price DECIMAL(6,2) NOT NULL DEFAULT 0.00",
                    "INSERT INTO ddl_db.items VALUES (2, 'after', 9.99)");
            List<ConsumerRecord<byte[], byte[]>> records = read("rdbms.ddl.ddl_db.items", 2);
            Map<Integer, JsonNode> byId = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                JsonNode after = value(record).get("after");
                byId.put(after.get("id").asInt(), after);
            }
            assertThat(byId.get(1).get("name").asText()).isEqualTo("before");
            assertThat(byId.get(1).has("price")).isFalse();
            assertThat(byId.get(2).get("price").asText()).isEqualTo("9.99");
            List<ConsumerRecord<byte[], byte[]>> ddl = read("rdbms.ddl.schema-changes", 1);
            assertThat(value(ddl.get(0)).get("ddl").asText()).startsWith("ALTER TABLE");
        }
    }

    @Test
    void rowsWrittenBeforeAnAlterDecodeWithTheirOwnColumnsWhenTheCaptureReadsThemAfterIt() throws Exception {
        sql("CREATE DATABASE history_db", "CREATE TABLE history_db.items (id INT PRIMARY KEY, qty INT, label VARCHAR(10))");
        CdcConfig config = config("history", "history_db", "snapshot.mode=never");
        try (Running running = new Running(config)) {
            running.await("streaming started", () -> running.capture.committedPosition().isPresent());
        }
        // Written while the capture is down, so all of it is read after the last ALTER. The second ALTER keeps the
        // column count and the third changes a type: only the columns as they were when each row was written decode
        // these rows.
        sql("INSERT INTO history_db.items VALUES (1, 10, '11')",
                "ALTER TABLE history_db.items DROP COLUMN qty, ADD COLUMN price DECIMAL(6,2) AFTER id",
                "INSERT INTO history_db.items VALUES (2, 1.50, '22')",
                "ALTER TABLE history_db.items MODIFY label INT",
                "INSERT INTO history_db.items VALUES (3, 2.25, 33)",
                "UPDATE history_db.items SET label = 34 WHERE id = 3");
        try (Running running = new Running(config)) {
            List<ConsumerRecord<byte[], byte[]>> records = read("rdbms.history.history_db.items", 4);
            assertThat(running.capture.failure()).isEmpty();
            Map<Integer, List<JsonNode>> byId = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                JsonNode event = value(record);
                byId.computeIfAbsent(event.get("after").get("id").asInt(), k -> new ArrayList<>()).add(event);
            }
            assertThat(byId.get(1).get(0).get("after")).isEqualTo(JSON.readTree("{\"id\":1,\"qty\":10,\"label\":\"11\"}"));
            assertThat(byId.get(2).get(0).get("after")).isEqualTo(JSON.readTree("{\"id\":2,\"price\":\"1.50\",\"label\":\"22\"}"));
            assertThat(byId.get(3).get(0).get("after")).isEqualTo(JSON.readTree("{\"id\":3,\"price\":\"2.25\",\"label\":33}"));
            assertThat(byId.get(3).get(1).get("before").get("label").asInt()).isEqualTo(33);
            assertThat(byId.get(3).get(1).get("after").get("label").asInt()).isEqualTo(34);
            assertThat(readAllNow("rdbms.history.dlq")).as("nothing dead-lettered").isEmpty();
            List<ConsumerRecord<byte[], byte[]>> ddl = read("rdbms.history.schema-changes", 2);
            assertThat(ddl).extracting(record -> value(record).get("ddl").asText())
                    .anyMatch(text -> text.contains("DROP COLUMN qty")).anyMatch(text -> text.contains("MODIFY label INT"));
        }
    }

    @Test
    void columnsAfterYearGeometryEnumAndOtherCharsetsDecodeFromTheBinlogAsTheSnapshotReadsThem() throws Exception {
        // The binlog's metadata lists signedness, charsets and members for subsets of the columns: a column after
        // each kind of gap must still get its own property.
        sql("CREATE DATABASE layout_db", "CREATE TABLE layout_db.t (id INT PRIMARY KEY, y YEAR, su SMALLINT UNSIGNED, e ENUM('x','y'), "
                + "g GEOMETRY, l VARCHAR(10) CHARACTER SET latin1, s SET('p','q'), bu BIGINT UNSIGNED, b VARBINARY(3), u8 TEXT) "
                + "CHARACTER SET utf8mb4");
        String values = "2001, 65535, 'y', ST_GeomFromText('POINT(1 2)'), 'ação', 'q', 18446744073709551615, X'0102', 'ñ'";
        sql("INSERT INTO layout_db.t VALUES (1, " + values + ")");
        try (Running running = new Running(config("layout", "layout_db"))) {
            running.await("the snapshot stored its position", () -> running.capture.committedPosition().isPresent());
            sql("INSERT INTO layout_db.t VALUES (2, " + values + ")");
            List<ConsumerRecord<byte[], byte[]>> records = read("rdbms.layout.layout_db.t", 2);
            JsonNode snapshot = null;
            JsonNode streamed = null;
            for (ConsumerRecord<byte[], byte[]> record : records) {
                JsonNode event = value(record);
                if (event.get("op").asText().equals("r")) {
                    snapshot = event.get("after");
                } else {
                    streamed = event.get("after");
                }
            }
            assertThat(streamed.get("y").asInt()).isEqualTo(2001);
            assertThat(streamed.get("su").asInt()).isEqualTo(65535);
            assertThat(streamed.get("e").asText()).isEqualTo("y");
            assertThat(streamed.get("l").asText()).isEqualTo("ação");
            assertThat(streamed.get("s").asText()).isEqualTo("q");
            assertThat(streamed.get("bu").asText()).isEqualTo("18446744073709551615");
            assertThat(streamed.get("b").asText()).isEqualTo("AQI=");
            assertThat(streamed.get("u8").asText()).isEqualTo("ñ");
            com.fasterxml.jackson.databind.node.ObjectNode expected = snapshot.deepCopy();
            expected.put("id", 2);
            assertThat(streamed).isEqualTo(expected);
        }
    }

    @Test
    void transactionEventsFrameEachSourceTransactionAndNumberItsChanges() throws Exception {
        sql("CREATE DATABASE tx_db", "CREATE TABLE tx_db.a (id INT PRIMARY KEY, v INT)", "CREATE TABLE tx_db.b (id INT PRIMARY KEY, v INT)");
        try (Running running = new Running(config("txev", "tx_db", "snapshot.mode=never", "transaction.events=true"))) {
            running.await("streaming started", () -> running.capture.committedPosition().isPresent());
            try (Connection connection = database.connect("tx_db"); Statement sql = connection.createStatement()) {
                connection.setAutoCommit(false);
                sql.execute("INSERT INTO a VALUES (1, 1), (2, 2)");
                sql.execute("INSERT INTO b VALUES (1, 1)");
                sql.execute("UPDATE a SET v = 10 WHERE id = 1");
                connection.commit();
                sql.execute("DELETE FROM b WHERE id = 1");
                connection.commit();
            }
            List<ConsumerRecord<byte[], byte[]>> frames = read("rdbms.txev.transaction", 4);
            assertThat(frames).hasSize(4);
            List<JsonNode> events = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> frame : frames) {
                events.add(value(frame));
            }
            assertThat(events).extracting(e -> e.get("status").asText()).containsExactly("BEGIN", "END", "BEGIN", "END");
            JsonNode firstEnd = events.get(1);
            assertThat(firstEnd.get("id").asText()).isEqualTo(events.get(0).get("id").asText());
            assertThat(firstEnd.get("event_count").asLong()).isEqualTo(4);
            assertThat(firstEnd.get("data_collections").toString())
                    .isEqualTo("[{\"data_collection\":\"tx_db.a\",\"event_count\":3},{\"data_collection\":\"tx_db.b\",\"event_count\":1}]");
            assertThat(events.get(3).get("event_count").asLong()).isEqualTo(1);
            assertThat(firstEnd.get("gtid").asText()).as("the transaction's GTID: MariaDB's domain-server-sequence, MySQL's uuid:number")
                    .matches(isMariaDb() ? "\\d+-\\d+-\\d+" : "[0-9a-f-]{36}:\\d+");

            List<JsonNode> changes = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : read("rdbms.txev.tx_db.a", 3)) {
                changes.add(value(record));
            }
            changes.sort(java.util.Comparator.comparingLong(e -> e.get("transaction").get("total_order").asLong()));
            assertThat(changes).extracting(e -> e.get("transaction").get("id").asText()).containsOnly(events.get(0).get("id").asText());
            assertThat(changes).extracting(e -> e.get("source").get("txId").asText()).containsOnly(events.get(0).get("id").asText());
            assertThat(changes).extracting(e -> e.get("transaction").get("total_order").asLong()).containsExactly(1L, 2L, 4L);
            assertThat(changes).extracting(e -> e.get("transaction").get("data_collection_order").asLong()).containsExactly(1L, 2L, 3L);
            assertThat(changes).extracting(e -> e.get("source").get("gtid").asText()).containsOnly(firstEnd.get("gtid").asText());
        }
    }

    @Test
    void heartbeatsStoreThePositionWhileOnlyUncapturedTablesChange() throws Exception {
        sql("CREATE DATABASE beat_db", "CREATE TABLE beat_db.t (id INT PRIMARY KEY)", "CREATE DATABASE beat_other",
                "CREATE TABLE beat_other.noise (id INT PRIMARY KEY AUTO_INCREMENT, v INT)");
        CdcConfig config = config("beat", "beat_db", "snapshot.mode=never", "heartbeat.interval=300ms");
        try (Running running = new Running(config)) {
            running.await("streaming started", () -> running.capture.committedPosition().isPresent());
            for (int i = 0; i < 40; i++) {
                sql("INSERT INTO beat_other.noise (v) VALUES (" + i + ")");
            }
            BinlogPosition end = binlogEnd();
            running.await("the stored position to reach the binlog's end " + end, () -> ChangePublisher.storedPosition(kafka.bootstrapServers(),
                    config.offsetsTopic(), "beat").map(p -> p.isAtOrAfter(end)).orElse(false));
            List<ConsumerRecord<byte[], byte[]>> beats = read("rdbms.beat.heartbeat", 1);
            JsonNode last = value(beats.get(beats.size() - 1));
            assertThat(last.get("server").asText()).isEqualTo("beat");
            assertThat(new BinlogPosition(last.get("file").asText(), last.get("pos").asLong(), true).isAtOrAfter(end)).isTrue();
            assertThat(running.capture.changesPublished()).as("no change events for uncaptured tables").isZero();
        }
    }

    @Test
    void aStoredPositionWhoseBinlogFileThisServerLacksResumesByItsGtidsWithNothingSkippedOrRepeated() throws Exception {
        sql("CREATE DATABASE failover", "CREATE TABLE failover.orders (id INT PRIMARY KEY, amount INT NOT NULL)");
        CdcConfig config = config("failover", "failover", "snapshot.mode=never");
        try (Running running = new Running(config)) {
            running.await("streaming started", () -> running.capture.committedPosition().isPresent());
            sql("INSERT INTO failover.orders VALUES (1, 1)", "INSERT INTO failover.orders VALUES (2, 1)");
            read("rdbms.failover.failover.orders", 2);
        }
        BinlogPosition stored = ChangePublisher.storedPosition(kafka.bootstrapServers(), config.offsetsTopic(), "failover").orElseThrow();
        assertThat(stored.gtids()).as("the server's GTID state travels with the stored position").isNotBlank();
        sql("INSERT INTO failover.orders VALUES (3, 1)", "UPDATE failover.orders SET amount = 2 WHERE id = 1");
        // As after a failover: the binlog file and position name a file this server never had; the GTIDs still hold.
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.offsetsTopic(), "failover".getBytes(StandardCharsets.UTF_8),
                    new BinlogPosition("elsewhere-bin.000042", 4242, true, stored.gtids()).toJson())).get();
        }
        try (Running running = new Running(config)) {
            List<ConsumerRecord<byte[], byte[]>> records = read("rdbms.failover.failover.orders", 4);
            assertThat(records).extracting(record -> {
                try {
                    JsonNode event = value(record);
                    return event.get("op").asText() + event.get("after").get("id").asInt() + "=" + event.get("after").get("amount").asInt();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).as("the two changes after the stored GTIDs, once each").containsExactlyInAnyOrder("c1=1", "c2=1", "c3=1", "u1=2");
            running.await("the position moved on from the foreign file", () -> running.capture.committedPosition()
                    .map(p -> !p.file().startsWith("elsewhere")).orElse(false));
        }
    }

    @Test
    void theDocumentedLeastPrivilegeUserCapturesAndEachMissingPrivilegeIsNamedWithTheGrantThatAddsIt() throws Exception {
        boolean mariaDb = isMariaDb();
        if (database instanceof io.datalakelab.testkit.Database mariaDbFixture) {
            mariaDbFixture.enablePrivileges();
        }
        // The README's least-privilege user: MariaDB 10.5+ reads the binlog's status with BINLOG MONITOR, MySQL with
        // REPLICATION CLIENT, and MySQL's snapshot takes a brief global read lock (RELOAD).
        String monitor = mariaDb ? "BINLOG MONITOR" : "REPLICATION CLIENT";
        String snapshotLock = mariaDb ? "" : ", RELOAD";
        String password = "Grants-pass-1";
        sql("CREATE DATABASE grants_db", "CREATE TABLE grants_db.t (id INT PRIMARY KEY)", "INSERT INTO grants_db.t VALUES (1)",
                "CREATE USER 'cdc_least'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT" + snapshotLock + " ON *.* TO 'cdc_least'@'%'",
                "GRANT " + monitor + " ON *.* TO 'cdc_least'@'%'",
                "CREATE USER 'cdc_noslave'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT " + monitor + ", SELECT" + snapshotLock + " ON *.* TO 'cdc_noslave'@'%'",
                "CREATE USER 'cdc_nomonitor'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT REPLICATION SLAVE, SELECT" + snapshotLock + " ON *.* TO 'cdc_nomonitor'@'%'",
                "CREATE USER 'cdc_noselect'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT REPLICATION SLAVE, " + monitor + snapshotLock + " ON *.* TO 'cdc_noselect'@'%'");

        try (Running running = new Running(config("grants", "grants_db", "database.user=cdc_least", "database.password=" + password))) {
            running.await("the snapshot stored its position", () -> running.capture.committedPosition().isPresent());
            sql("INSERT INTO grants_db.t VALUES (2)");
            assertThat(read("rdbms.grants.grants_db.t", 2)).hasSize(2);
        }

        assertThatThrownBy(() -> new ChangeCapture(config("grants2", "grants_db", "database.user=cdc_nomonitor", "database.password=" + password)))
                .hasMessageContaining("GRANT " + monitor + " ON *.* TO 'cdc_nomonitor'@'%'");
        assertThat(failureOf(config("grants3", "grants_db", "database.user=cdc_noselect", "database.password=" + password)))
                .contains("'grants_db'").contains("GRANT SELECT ON `grants_db`.* TO 'cdc_noselect'@'%'");
        assertThat(failureOf(config("grants4", "grants_db", "database.user=cdc_noslave", "database.password=" + password, "snapshot.mode=never")))
                .contains("REPLICATION SLAVE").contains("GRANT REPLICATION SLAVE ON *.* TO 'cdc_noslave'@'%'");
        if (!mariaDb) {
            sql("CREATE USER 'cdc_noreload'@'%' IDENTIFIED BY '" + password + "'",
                    "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO 'cdc_noreload'@'%'");
            assertThat(failureOf(config("grants5", "grants_db", "database.user=cdc_noreload", "database.password=" + password)))
                    .contains("FLUSH TABLES WITH READ LOCK").contains("GRANT RELOAD ON *.* TO 'cdc_noreload'@'%'");
        }
    }

    private static boolean isMariaDb() throws Exception {
        return database.version().toLowerCase(java.util.Locale.ROOT).contains("mariadb");
    }

    /** Runs a capture that is expected to stop by itself, and returns why it stopped. */
    private static String failureOf(CdcConfig config) throws Exception {
        ChangeCapture capture = new ChangeCapture(config);
        Thread thread = new Thread(capture, "capture-expected-to-fail");
        thread.start();
        thread.join(60_000);
        assertThat(thread.isAlive()).as("the capture must stop by itself").isFalse();
        assertThat(capture.failure()).as("the capture's failure").isPresent();
        return capture.failure().get().getMessage();
    }

    private static BinlogPosition binlogEnd() throws Exception {
        try (Connection connection = database.connect("")) {
            return Snapshot.currentPosition(connection);
        }
    }
}
