package io.datalakelab.lab.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.core.topic.TopicOffsets;
import io.datalakelab.lab.Lab;
import io.datalakelab.lab.chaos.FaultPlan;
import io.datalakelab.lab.component.CdcComponent;
import io.datalakelab.lab.component.SinkComponent;
import io.datalakelab.rdbms.BinlogPosition;
import io.datalakelab.rdbms.ChangePublisher;
import io.datalakelab.sink.commit.OffsetRecovery;
import io.datalakelab.sink.format.RecordFiles;
import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.LakeLayout;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;

/**
 * The MySQL → Kafka → HDFS flow: a sample shop schema (customers, orders) in the lab's database gets inserts,
 * updates and deletes; the change capture streams them into Kafka, the change-event sink lands them in HDFS,
 * and the landed events, replayed in order per key, must give exactly the tables' final contents.
 */
public final class ChangeCaptureDemo {

    private static final String ROOT = "/datalake/raw";
    private static final String LOGS = "`./lab logs ingestion-rdbms` and `./lab logs hdfs-sink-rdbms`";
    static final String DATABASE = "shop";
    private static final List<String> TABLES = List.of("customers", "orders");

    private final Lab lab;
    private final PrintStream progress;

    /** What the flow did and whether HDFS replays to the tables. */
    public record Report(long statements, Map<String, Integer> tableRows, Map<String, Integer> replayedRows, Map<String, Long> eventsLanded,
                         List<String> mismatches, long secondsToLanded) {
        public boolean exact() {
            return mismatches.isEmpty() && tableRows.equals(replayedRows);
        }
    }

    public ChangeCaptureDemo(Lab lab, PrintStream progress) {
        this.lab = lab;
        this.progress = progress;
    }

    /**
     * @param faults what is done to the lab each time the capture has stored a new position while the workload runs
     *               (a chaos run's faults; none for the demo)
     * @param statementsPerSecond pace of the workload's statements; 0 runs them as fast as the database takes them
     */
    public Report run(int customers, int orders, Instant deadline, FaultPlan faults, double statementsPerSecond) throws Exception {
        try (Connection db = connect()) {
            createSchema(db);
        }
        CdcComponent cdc = lab.cdc();
        SinkComponent sink = lab.rdbmsSink();
        cdc.start();
        cdc.awaitReady(deadline);
        sink.start();
        sink.awaitReady(deadline);
        progress.println("  change capture and its sink running (" + cdc.endpoint() + "; " + sink.endpoint() + ")");

        long started = System.currentTimeMillis();
        String offsetsTopic = "rdbms." + CdcComponent.SERVER + ".offsets";
        FaultPlan.Progress stored = () -> ChangePublisher.storedPosition(lab.config().bootstrapServers(), offsetsTopic, CdcComponent.SERVER)
                .map(p -> p.file() + ":" + p.position()).orElse("");
        CompletableFuture<Long> workload = CompletableFuture.supplyAsync(() -> {
            try (Session db = new Session(deadline, statementsPerSecond)) {
                return applyWorkload(db, customers, orders, new Random(started));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        while (faults.wantsMore() && !workload.isDone()) {
            Object before = stored.now();
            DemoWait.until(deadline, "the change capture to store a new position", LOGS, () -> !before.equals(stored.now()) || workload.isDone());
            if (!workload.isDone()) {
                faults.injectOnce(deadline, stored, workload::isDone);
            }
        }
        long statements;
        try {
            statements = workload.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        BinlogPosition end;
        try (Connection db = connect()) {
            end = binlogEnd(db);
        }
        progress.printf("  applied %,d statements to %s.customers and %s.orders; binlog now at %s%n", statements, DATABASE, DATABASE, end);

        DemoWait.until(deadline, "the change capture to reach " + end, LOGS, () -> ChangePublisher
                .storedPosition(lab.config().bootstrapServers(), offsetsTopic, CdcComponent.SERVER)
                .map(p -> p.isAtOrAfter(end)).orElse(false));
        Map<String, Map<Integer, Long>> targets = new TreeMap<>();
        try (Admin admin = lab.kafka().admin()) {
            for (String table : TABLES) {
                targets.put(topic(table), TopicOffsets.latest(admin, topic(table)));
            }
        }
        try (FileSystem fs = lab.hdfs().client()) {
            LakeLayout layout = new LakeLayout(new Path(ROOT));
            OffsetRecovery recovery = new OffsetRecovery(fs, layout);
            DemoWait.until(deadline, "the change events to land in HDFS", LOGS, () -> {
                for (Map.Entry<String, Map<Integer, Long>> target : targets.entrySet()) {
                    if (!recovery.hasLandedUpTo(target.getKey(), target.getValue())) {
                        return false;
                    }
                }
                return true;
            });
            long landedAfter = (System.currentTimeMillis() - started) / 1000;
            try (Connection db = connect()) {
                Replay replay = replayLakeAgainstTables(fs, db);
                return new Report(statements, replay.tableRows(), replay.replayedRows(), replay.eventsLanded(), replay.mismatches(), landedAfter);
            }
        }
    }

    /** The shop tables' change events in HDFS, replayed per key, next to the tables as they are now. */
    public record Replay(Map<String, Integer> tableRows, Map<String, Integer> replayedRows, Map<String, Long> eventsLanded,
                         List<String> mismatches) {
        public boolean exact() {
            return mismatches.isEmpty() && tableRows.equals(replayedRows);
        }
    }

    /** Replays every committed change event of the shop tables under /datalake/raw and compares the result, row by row, with the tables. */
    public static Replay replayLakeAgainstTables(FileSystem fs, Connection db) throws Exception {
        OffsetRecovery recovery = new OffsetRecovery(fs, new LakeLayout(new Path(ROOT)));
        Map<String, Integer> tableRows = new TreeMap<>();
        Map<String, Integer> replayedRows = new TreeMap<>();
        Map<String, Long> events = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        for (String table : TABLES) {
            Map<String, JsonNode> replayed = new TreeMap<>();
            events.put(table, replay(fs, recovery, topic(table), replayed));
            Map<String, Map<String, String>> rows = tableContents(db, table);
            tableRows.put(table, rows.size());
            replayedRows.put(table, replayed.size());
            compare(table, rows, replayed, mismatches);
        }
        return new Replay(tableRows, replayedRows, events, mismatches);
    }

    /** The shop's tables, whose change events the demo lands: {@code customers}, {@code orders}. */
    public static List<String> tables() {
        return TABLES;
    }

    /** A connection as the lab database's root, which the lab creates without a password on 127.0.0.1. */
    public static Connection connect(Lab lab) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + lab.config().databasePort()
                + "/?user=root&allowPublicKeyRetrieval=true&useSSL=false");
    }

    /** The change-event topic of a shop table, e.g. {@code rdbms.lab.shop.orders}. */
    public static String topic(String table) {
        return "rdbms." + CdcComponent.SERVER + "." + DATABASE + "." + table;
    }

    private Connection connect() throws SQLException {
        return connect(lab);
    }

    private static void createSchema(Connection db) throws SQLException {
        try (Statement sql = db.createStatement()) {
            sql.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
            sql.execute("CREATE TABLE IF NOT EXISTS " + DATABASE + ".customers (id INT AUTO_INCREMENT PRIMARY KEY, "
                    + "name VARCHAR(80) NOT NULL, city VARCHAR(40) NOT NULL, vip BOOLEAN NOT NULL DEFAULT FALSE)");
            sql.execute("CREATE TABLE IF NOT EXISTS " + DATABASE + ".orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, "
                    + "amount DECIMAL(10,2) NOT NULL, status ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new', "
                    + "placed_at DATETIME(3) NOT NULL)");
        }
    }

    /**
     * Inserts customers and orders in small transactions, then pays, ships, re-prices and deletes some. A statement
     * cut off by a database restart is given up (its transaction may or may not have committed: the check compares
     * with the tables as they end, whatever they hold) and the workload goes on on a new connection.
     */
    private static long applyWorkload(Session db, int customers, int orders, Random random) throws SQLException, InterruptedException {
        String[] cities = {"Lisboa", "Porto", "Coimbra", "Braga", "Faro", "São Paulo"};
        long statements = 0;
        List<Long> customerIds = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            Long id = db.insert("INSERT INTO " + DATABASE + ".customers (name, city) VALUES (?, ?)", "customer " + random.nextInt(1_000_000),
                    cities[random.nextInt(cities.length)]);
            if (id != null) {
                customerIds.add(id);
            }
            statements++;
            if (i % 20 == 19) {
                db.commit();
            }
        }
        db.commit();
        if (customerIds.isEmpty()) {
            customerIds.add(1L);
        }
        List<Long> orderIds = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            Long id = db.insert("INSERT INTO " + DATABASE + ".orders (customer_id, amount, placed_at) VALUES (?, ?, NOW(3))",
                    customerIds.get(random.nextInt(customerIds.size())), java.math.BigDecimal.valueOf(100 + random.nextInt(99_900), 2));
            if (id != null) {
                orderIds.add(id);
            }
            statements++;
            if (i % 10 == 9) {
                db.commit();
            }
        }
        db.commit();
        for (long id : orderIds) {
            int action = random.nextInt(10);
            String statement = switch (action) {
                case 0, 1, 2, 3 -> "UPDATE " + DATABASE + ".orders SET status = 'paid' WHERE id = " + id;
                case 4, 5 -> "UPDATE " + DATABASE + ".orders SET status = 'shipped', amount = amount + 1.50 WHERE id = " + id;
                case 6 -> "DELETE FROM " + DATABASE + ".orders WHERE id = " + id;
                default -> null;
            };
            if (statement != null) {
                db.execute(statement);
                statements++;
                db.commit(); // one change per transaction: the single-row case
            }
        }
        db.execute("UPDATE " + DATABASE + ".customers SET vip = TRUE, city = 'Porto' WHERE id % 7 = 0");
        statements++;
        db.commit();
        return statements;
    }

    /**
     * The workload's connection (autocommit off): a statement that fails because the connection is gone (the database
     * restarting) is dropped, and the next one runs on a new connection, retried until the database is back.
     */
    private final class Session implements AutoCloseable {
        private final Instant deadline;
        private final double statementsPerSecond;
        private final long started = System.nanoTime();
        private long statements;
        private Connection connection;

        Session(Instant deadline, double statementsPerSecond) {
            this.deadline = deadline;
            this.statementsPerSecond = statementsPerSecond;
        }

        /** Runs an INSERT; its generated key, or null when the connection was lost. */
        Long insert(String sql, Object... parameters) throws SQLException, InterruptedException {
            try (PreparedStatement insert = connection().prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < parameters.length; i++) {
                    insert.setObject(i + 1, parameters[i]);
                }
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            } catch (SQLException e) {
                dropIfLost(e);
                return null;
            }
        }

        void execute(String sql) throws SQLException, InterruptedException {
            try (Statement statement = connection().createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                dropIfLost(e);
            }
        }

        void commit() throws SQLException, InterruptedException {
            try {
                connection().commit();
            } catch (SQLException e) {
                dropIfLost(e);
            }
        }

        private Connection connection() throws SQLException, InterruptedException {
            if (statementsPerSecond > 0) {
                long due = started + (long) (statements++ * 1e9 / statementsPerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            while (connection == null) {
                try {
                    connection = connect();
                    connection.setAutoCommit(false);
                } catch (SQLException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw e;
                    }
                    Thread.sleep(200); // the database is restarting: try again
                }
            }
            return connection;
        }

        /**
         * SQL state class 08 is a lost connection, 70100 a statement the server cut off while shutting down; anything
         * else is the workload's bug and fails the run.
         */
        private void dropIfLost(SQLException e) throws SQLException {
            if (e.getSQLState() == null || !(e.getSQLState().startsWith("08") || e.getSQLState().equals("70100"))) {
                throw e;
            }
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the connection is gone already; closing only frees the driver's side
            }
            connection = null;
        }

        @Override
        public void close() throws SQLException {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private static BinlogPosition binlogEnd(Connection db) throws SQLException {
        try (Statement sql = db.createStatement(); ResultSet rows = sql.executeQuery("SHOW MASTER STATUS")) {
            if (!rows.next()) {
                throw new JobFailedException("the lab database writes no binlog");
            }
            return new BinlogPosition(rows.getString(1), rows.getLong(2), true);
        }
    }

    /**
     * Applies every landed event of {@code topic} in order per Kafka partition (a key always lives in one
     * partition): {@code c}, {@code r} and {@code u} set the row to {@code after}, {@code d} removes it.
     */
    private static long replay(FileSystem fs, OffsetRecovery recovery, String topic, Map<String, JsonNode> rows) throws Exception {
        List<FileStatus> files = new ArrayList<>(recovery.committedFileStatuses(topic));
        files.sort(Comparator.comparing((FileStatus f) -> CommittedFileName.parse(f.getPath().getName()).orElseThrow().partition())
                .thenComparingLong(f -> CommittedFileName.parse(f.getPath().getName()).orElseThrow().startOffset()));
        long[] events = {0};
        for (FileStatus file : files) {
            RecordFiles.forEachRecord(fs, file.getPath(), event -> {
                events[0]++;
                String op = event.path("op").asText();
                JsonNode row = op.equals("d") ? event.get("before") : event.get("after");
                String id = row.get("id").asText();
                if (op.equals("d")) {
                    rows.remove(id);
                } else {
                    rows.put(id, row);
                }
            });
        }
        return events[0];
    }

    private static Map<String, Map<String, String>> tableContents(Connection db, String table) throws SQLException {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        try (Statement sql = db.createStatement(); ResultSet result = sql.executeQuery("SELECT * FROM " + DATABASE + "." + table)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                Map<String, String> row = new TreeMap<>();
                for (int i = 1; i <= columns; i++) {
                    String name = result.getMetaData().getColumnLabel(i);
                    if (!name.equals("placed_at")) { // a DATETIME(3): compared by the capture's own tests, not here
                        row.put(name, result.getString(i));
                    }
                }
                rows.put(row.get("id"), row);
            }
        }
        return rows;
    }

    private static void compare(String table, Map<String, Map<String, String>> rows, Map<String, JsonNode> replayed, List<String> mismatches) {
        for (Map.Entry<String, Map<String, String>> row : rows.entrySet()) {
            JsonNode landed = replayed.get(row.getKey());
            if (landed == null) {
                mismatches.add(table + " " + row.getKey() + ": in the table, not in HDFS");
                continue;
            }
            for (Map.Entry<String, String> column : row.getValue().entrySet()) {
                String expected = column.getKey().equals("vip") ? (column.getValue().equals("1") || column.getValue().equalsIgnoreCase("true") ? "1" : "0") : column.getValue();
                String actual = landed.path(column.getKey()).asText();
                if (!expected.equals(actual)) {
                    mismatches.add(table + " " + row.getKey() + "." + column.getKey() + ": table " + expected + ", HDFS " + actual);
                }
            }
        }
        for (String id : replayed.keySet()) {
            if (!rows.containsKey(id)) {
                mismatches.add(table + " " + id + ": in HDFS, not in the table");
            }
        }
    }
}
