package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The captured tables' rows as of one binlog position, emitted as {@code op=r} events; streaming then starts
 * at exactly that position, so no change is missed or seen twice across the handover.
 *
 * <p>On MariaDB the read is a {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} whose binlog position the
 * server reports ({@code binlog_snapshot_file}/{@code _position}), without any lock. On MySQL the position is
 * read under a brief global read lock ({@code FLUSH TABLES WITH READ LOCK}) taken while the snapshot
 * transaction starts.
 *
 * <p>Tables are read one after the other ({@link SnapshotProgress#TABLE_ORDER}). A table whose primary key is
 * made of integer columns is read in chunks of {@code snapshot.fetch.size} rows in key order
 * ({@code WHERE key > last ORDER BY key LIMIT n}), so no query runs long and each chunk ends at a known key;
 * other tables are streamed by one query. Each chunk goes to Kafka in one transaction with the position marked
 * "snapshot not done" and how far the snapshot got ({@link SnapshotProgress}). An interrupted snapshot resumes
 * in a new consistent read from that point: after the last stored key of a key-ordered table, at the start of
 * any other. The rows read before the interruption are not sent again (except those of a table read by one
 * query), and streaming from the first attempt's position publishes exactly the changes each row's attempt
 * had not seen.
 */
final class Snapshot {

    private static final Logger LOG = LoggerFactory.getLogger(Snapshot.class);

    private final CdcConfig config;
    private final SchemaCatalog catalog;
    private final ChangeEvents events;
    private final ChangePublisher publisher;
    private final BooleanSupplier running;
    /** Rows read by this attempt, and since when: for snapshot.max.rows.per.second. */
    private long rowsRead;
    private long readStarted;

    Snapshot(CdcConfig config, SchemaCatalog catalog, ChangeEvents events, ChangePublisher publisher, BooleanSupplier running) {
        this.config = config;
        this.catalog = catalog;
        this.events = events;
        this.publisher = publisher;
        this.running = running;
    }

    /**
     * Reads every captured table (or, without {@code withRows}, only their schemas) in one consistent
     * transaction on {@code connection}, which it closes; returns where streaming starts. With {@code resume},
     * reads only what the interrupted snapshot it describes had not read.
     *
     * @throws InterruptedException when the service stops before the snapshot is done (the next start resumes it)
     */
    BinlogPosition take(Connection connection, boolean withRows, SnapshotProgress resume) throws SQLException, InterruptedException {
        try (connection) {
            connection.setAutoCommit(false);
            try (Statement sql = connection.createStatement()) {
                sql.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            }
            BinlogPosition position = beginConsistentRead(connection);
            requireVisible(connection, config.databases());
            SnapshotProgress progress = resume == null ? SnapshotProgress.startingAt(position) : resume.resumedAt(position);
            List<TableSchema> tables = new ArrayList<>(catalog.loadAll(connection));
            tables.sort(SnapshotProgress.TABLE_ORDER);
            tables.removeIf(progress.next()::isPast);
            if (resume == null) {
                LOG.info("snapshot at {} of {} tables{}", position, tables.size(), withRows ? "" : " (schemas only)");
            } else {
                LOG.info("snapshot resumed at {} from {}: {} tables left (attempt {}; streaming will start at {})", position, resume.next(),
                        tables.size(), progress.segments().size(), progress.streamFrom());
            }
            if (withRows) {
                readStarted = System.nanoTime();
                for (int i = 0; i < tables.size(); i++) {
                    progress = snapshotTable(connection, tables.get(i), position, progress, i + 1, tables.size());
                }
            }
            connection.commit();
            BinlogPosition done = progress.streamFrom().withSnapshotDone()
                    .withSnapshot(progress.segments().size() > 1 ? progress.done() : null);
            publisher.publish(List.of(), done);
            return done;
        }
    }

    /**
     * A database the user has no privilege on is invisible in information_schema: its tables would be snapshotted
     * as if empty. Each database named in databases.include must be visible.
     */
    private void requireVisible(Connection connection, List<String> databases) throws SQLException {
        for (String database : databases) {
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
                query.setString(1, database);
                try (ResultSet rows = query.executeQuery()) {
                    if (!rows.next()) {
                        throw new io.datalakelab.core.cli.JobFailedException("database '" + database + "' (databases.include) does not exist or user '"
                                + config.user() + "' may not read it, so the snapshot would miss its rows. If it exists, grant it with: GRANT SELECT ON `"
                                + database.replace("`", "``") + "`.* TO " + Privileges.account(config.user()));
                    }
                }
            }
        }
    }

    private BinlogPosition beginConsistentRead(Connection connection) throws SQLException {
        if (isMariaDb(connection)) {
            try (Statement sql = connection.createStatement()) {
                sql.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            }
            String file = null;
            long pos = -1;
            try (Statement sql = connection.createStatement();
                 ResultSet rows = sql.executeQuery("SHOW STATUS WHERE Variable_name IN ('binlog_snapshot_file', 'binlog_snapshot_position')")) {
                while (rows.next()) {
                    if (rows.getString(1).equalsIgnoreCase("binlog_snapshot_file")) {
                        file = rows.getString(2);
                    } else {
                        pos = Long.parseLong(rows.getString(2));
                    }
                }
            }
            return new BinlogPosition(file, pos, false);
        }
        try (Statement sql = connection.createStatement()) {
            try {
                sql.execute("FLUSH TABLES WITH READ LOCK");
            } catch (SQLException e) {
                throw Privileges.snapshotRefused(e, config.user(), "take the snapshot's brief global read lock (FLUSH TABLES WITH READ LOCK)",
                        "GRANT RELOAD ON *.*");
            }
            try {
                BinlogPosition position = currentPosition(connection);
                sql.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                return new BinlogPosition(position.file(), position.position(), false, position.gtids());
            } finally {
                sql.execute("UNLOCK TABLES");
            }
        }
    }

    /** The end of the binlog now, with MySQL's executed GTID set at that point (MariaDB's is looked up by position). */
    static BinlogPosition currentPosition(Connection connection) throws SQLException {
        for (String query : List.of("SHOW BINARY LOG STATUS", "SHOW MASTER STATUS")) {
            try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(query)) {
                if (rows.next()) {
                    String executed = rows.getMetaData().getColumnCount() >= 5 ? rows.getString(5) : null;
                    return new BinlogPosition(rows.getString(1), rows.getLong(2), true,
                            executed == null ? null : executed.replaceAll("\\s", ""));
                }
                throw new SQLException("the server reports no binlog position (" + query + " is empty): is log_bin on?");
            } catch (java.sql.SQLSyntaxErrorException e) {
                // SHOW BINARY LOG STATUS is MySQL 8.2+ and MariaDB 10.5.2+; older servers know the other name.
            }
        }
        throw new SQLException("neither SHOW BINARY LOG STATUS nor SHOW MASTER STATUS is understood by the server");
    }

    private static boolean isMariaDb(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery("SELECT VERSION()")) {
            rows.next();
            return rows.getString(1).toLowerCase(java.util.Locale.ROOT).contains("mariadb");
        }
    }

    /** Reads {@code table}'s rows not read yet, publishing them chunk by chunk; returns the progress after it. */
    private SnapshotProgress snapshotTable(Connection connection, TableSchema table, BinlogPosition position, SnapshotProgress progress,
                                           int tableNumber, int tableCount) throws SQLException, InterruptedException {
        boolean inKeyOrder = SnapshotProgress.readsInKeyOrder(table);
        List<BigInteger> afterKey = inKeyOrder ? progress.next().keyWithin(table) : null;
        ProgressLine line = new ProgressLine(table, estimatedRows(connection, table), tableNumber, tableCount, afterKey);
        ChangeEvents.Source source = new ChangeEvents.Source(position.file(), position.position(), null, System.currentTimeMillis(), true);
        List<ChangeEvents.Change> batch = new ArrayList<>();
        if (inKeyOrder) {
            while (true) {
                int rows = 0;
                List<JsonNode> last = null;
                try (PreparedStatement select = keyOrderedChunk(connection, table, afterKey)) {
                    try (ResultSet result = query(select, table)) {
                        while (result.next()) {
                            last = readRow(table, result, batch, source);
                            rows++;
                        }
                    }
                }
                line.read(rows);
                if (rows < config.snapshotFetchSize()) {
                    progress = progress.readUpTo(SnapshotProgress.Boundary.endOf(table));
                    publisher.publish(batch, progressPosition(progress));
                    break;
                }
                afterKey = SnapshotProgress.orderedKey(table, last);
                progress = progress.readUpTo(new SnapshotProgress.Boundary(table.database(), table.table(), afterKey, false));
                publisher.publish(batch, progressPosition(progress));
                batch.clear();
                line.log();
                stopIfAsked(progress);
            }
        } else {
            // Read through a server-side cursor (the URL's useCursorFetch), snapshot.fetch.size rows per round trip. MySQL
            // materialises a cursor's result in a temporary table before the first row: one reason why tables with an
            // integer key are read in chunks instead.
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM " + quoted(table), ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY)) {
                select.setFetchSize(config.snapshotFetchSize());
                try (ResultSet result = query(select, table)) {
                    while (result.next()) {
                        readRow(table, result, batch, source);
                        line.read(1);
                        if (batch.size() >= config.snapshotFetchSize()) {
                            publisher.publish(batch, progressPosition(progress.readUpTo(SnapshotProgress.Boundary.startOf(table))));
                            batch.clear();
                            line.log();
                            stopIfAsked(progress);
                        }
                    }
                }
            }
            progress = progress.readUpTo(SnapshotProgress.Boundary.endOf(table));
            publisher.publish(batch, progressPosition(progress));
        }
        line.finish();
        return progress;
    }

    /** The position stored while the snapshot runs: streaming's start, not done, with how far the snapshot got. */
    private static BinlogPosition progressPosition(SnapshotProgress progress) {
        return progress.streamFrom().withSnapshot(progress);
    }

    /**
     * Between chunks: stops when the service is closing (the next start resumes from {@code progress}), and holds the
     * read rate to {@code snapshot.max.rows.per.second}.
     */
    private void stopIfAsked(SnapshotProgress progress) throws InterruptedException {
        if (config.snapshotMaxRowsPerSecond() > 0) {
            long dueNanos = rowsRead * 1_000_000_000L / config.snapshotMaxRowsPerSecond();
            long waitUntil = readStarted + dueNanos;
            while (running.getAsBoolean() && System.nanoTime() < waitUntil) {
                Thread.sleep(Math.max(1, Math.min(100, (waitUntil - System.nanoTime()) / 1_000_000)));
            }
        }
        if (!running.getAsBoolean()) {
            throw new InterruptedException("stopped during the snapshot; the next start resumes it from " + progress.next());
        }
    }

    private List<JsonNode> readRow(TableSchema table, ResultSet result, List<ChangeEvents.Change> batch, ChangeEvents.Source source)
            throws SQLException {
        List<JsonNode> values = new ArrayList<>(table.columns().size());
        for (int i = 0; i < table.columns().size(); i++) {
            values.add(ColumnValues.fromResultSet(table.columns().get(i), result, i + 1));
        }
        batch.addAll(events.of(table, "r", null, ChangeEvents.row(table, values), ChangeEvents.keyOf(table, values), source));
        rowsRead++;
        return values;
    }

    /**
     * The next {@code snapshot.fetch.size} rows after {@code afterKey} in key order: {@code WHERE (k1 > ?) OR (k1 = ? AND
     * k2 > ?) ...}, which both engines turn into a range read of the primary key.
     */
    private PreparedStatement keyOrderedChunk(Connection connection, TableSchema table, List<BigInteger> afterKey) throws SQLException {
        List<String> key = table.primaryKey().stream().map(Snapshot::quoted).toList();
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(quoted(table));
        List<BigInteger> parameters = new ArrayList<>();
        if (afterKey != null) {
            List<String> alternatives = new ArrayList<>();
            for (int i = 0; i < key.size(); i++) {
                List<String> terms = new ArrayList<>();
                for (int j = 0; j < i; j++) {
                    terms.add(key.get(j) + " = ?");
                    parameters.add(afterKey.get(j));
                }
                terms.add(key.get(i) + " > ?");
                parameters.add(afterKey.get(i));
                alternatives.add("(" + String.join(" AND ", terms) + ")");
            }
            sql.append(" WHERE ").append(String.join(" OR ", alternatives));
        }
        sql.append(" ORDER BY ").append(String.join(", ", key)).append(" LIMIT ").append(config.snapshotFetchSize());
        PreparedStatement select = connection.prepareStatement(sql.toString());
        for (int i = 0; i < parameters.size(); i++) {
            BigInteger value = parameters.get(i);
            if (value.bitLength() < 64) {
                select.setLong(i + 1, value.longValue());
            } else {
                select.setBigDecimal(i + 1, new BigDecimal(value)); // BIGINT UNSIGNED above Long.MAX_VALUE
            }
        }
        return select;
    }

    private ResultSet query(PreparedStatement select, TableSchema table) throws SQLException {
        try {
            return select.executeQuery();
        } catch (SQLException e) {
            throw Privileges.snapshotRefused(e, config.user(), "read " + table.qualifiedName() + " for the snapshot",
                    "GRANT SELECT ON `" + table.database().replace("`", "``") + "`.*");
        }
    }

    /** information_schema's row count: exact for MyISAM, an estimate for InnoDB; for progress lines only. */
    private static long estimatedRows(Connection connection, TableSchema table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            query.setString(1, table.database());
            query.setString(2, table.table());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    private static String quoted(TableSchema table) {
        return quoted(table.database()) + "." + quoted(table.table());
    }

    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** The progress lines of one table: rows read, of about how many, how fast, and how long it should take still. */
    private static final class ProgressLine {
        private final TableSchema table;
        private final long estimated;
        private final String ofTables;
        private final long started = System.nanoTime();
        private long rows;

        ProgressLine(TableSchema table, long estimated, int tableNumber, int tableCount, List<BigInteger> afterKey) {
            this.table = table;
            this.estimated = estimated;
            this.ofTables = "table " + tableNumber + " of " + tableCount + (afterKey == null ? "" : ", resumed after key " + afterKey);
            LOG.info("snapshot of {} ({}): about {} rows", table.qualifiedName(), ofTables, estimated);
        }

        void read(long more) {
            rows += more;
        }

        void log() {
            double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
            long perSecond = Math.round(rows / seconds);
            if (estimated > rows) {
                LOG.info("snapshot of {}: {} of about {} rows ({}%), {} rows/s, about {} s left", table.qualifiedName(), rows, estimated,
                        rows * 100 / estimated, perSecond, perSecond == 0 ? "?" : Long.toString((estimated - rows) / perSecond));
            } else {
                LOG.info("snapshot of {}: {} rows, {} rows/s", table.qualifiedName(), rows, perSecond);
            }
        }

        void finish() {
            LOG.info("snapshot of {} ({}): {} rows in {} ms", table.qualifiedName(), ofTables, rows, (System.nanoTime() - started) / 1_000_000);
        }
    }
}
