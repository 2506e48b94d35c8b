package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The captured tables' rows as of one binlog position, emitted as {@code op=r} events; streaming then starts
 * at exactly that position, so no change is missed or seen twice across the handover.
 *
 * <p>On MariaDB the read is a {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} whose binlog position the
 * server reports ({@code binlog_snapshot_file}/{@code _position}), without any lock. On MySQL the position is
 * read under a brief global read lock ({@code FLUSH TABLES WITH READ LOCK}) taken while the snapshot
 * transaction starts. Rows go to Kafka in transactions of {@code snapshot.fetch.size}, each storing the
 * position marked "snapshot not done"; only the last marks it done, so an interrupted snapshot is taken
 * again from the start (its rows are sent again as {@code op=r}, which key-based consumers treat as upserts).
 */
final class Snapshot {

    private static final Logger LOG = LoggerFactory.getLogger(Snapshot.class);

    private final CdcConfig config;
    private final SchemaCatalog catalog;
    private final ChangeEvents events;
    private final ChangePublisher publisher;

    Snapshot(CdcConfig config, SchemaCatalog catalog, ChangeEvents events, ChangePublisher publisher) {
        this.config = config;
        this.catalog = catalog;
        this.events = events;
        this.publisher = publisher;
    }

    /**
     * Reads every captured table (or, without {@code withRows}, only their schemas) in one consistent
     * transaction on {@code connection}, which it closes; returns where streaming starts.
     */
    BinlogPosition take(Connection connection, boolean withRows) throws SQLException {
        try (connection) {
            connection.setAutoCommit(false);
            try (Statement sql = connection.createStatement()) {
                sql.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            }
            BinlogPosition position = beginConsistentRead(connection);
            requireVisible(connection, config.databases());
            List<TableSchema> tables = catalog.loadAll(connection);
            LOG.info("snapshot at {} of {} tables{}", position, tables.size(), withRows ? "" : " (schemas only)");
            if (withRows) {
                for (TableSchema table : tables) {
                    snapshotTable(connection, table, position);
                }
            }
            connection.commit();
            BinlogPosition done = position.withSnapshotDone();
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

    private void snapshotTable(Connection connection, TableSchema table, BinlogPosition position) throws SQLException {
        String query = "SELECT * FROM `" + table.database().replace("`", "``") + "`.`" + table.table().replace("`", "``") + "`";
        long rows = 0;
        long started = System.nanoTime();
        List<ChangeEvents.Change> batch = new ArrayList<>();
        ChangeEvents.Source source = new ChangeEvents.Source(position.file(), position.position(), null, System.currentTimeMillis(), true);
        try (PreparedStatement select = connection.prepareStatement(query, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            select.setFetchSize(config.snapshotFetchSize());
            ResultSet opened;
            try {
                opened = select.executeQuery();
            } catch (SQLException e) {
                throw Privileges.snapshotRefused(e, config.user(), "read " + table.qualifiedName() + " for the snapshot",
                        "GRANT SELECT ON `" + table.database().replace("`", "``") + "`.*");
            }
            try (ResultSet result = opened) {
                while (result.next()) {
                    List<JsonNode> values = new ArrayList<>(table.columns().size());
                    for (int i = 0; i < table.columns().size(); i++) {
                        values.add(ColumnValues.fromResultSet(table.columns().get(i), result, i + 1));
                    }
                    batch.addAll(events.of(table, "r", null, ChangeEvents.row(table, values), ChangeEvents.keyOf(table, values), source));
                    rows++;
                    if (batch.size() >= config.snapshotFetchSize()) {
                        publisher.publish(batch, position);
                        batch.clear();
                        LOG.info("snapshot of {}: {} rows so far", table.qualifiedName(), rows);
                    }
                }
            }
        }
        if (!batch.isEmpty()) {
            publisher.publish(batch, position);
        }
        LOG.info("snapshot of {}: {} rows in {} ms", table.qualifiedName(), rows, (System.nanoTime() - started) / 1_000_000);
    }
}
