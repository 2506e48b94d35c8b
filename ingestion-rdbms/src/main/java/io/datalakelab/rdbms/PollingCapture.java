package io.datalakelab.rdbms;

import io.datalakelab.core.cli.JobFailedException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures the captured tables' new and changed rows by querying them ({@code capture.mode=polling}), for
 * databases whose binlog the service may not read. Needs SELECT only.
 *
 * <p>Each table is read in offset order ({@link PolledTable}) from its stored offset; every batch of rows goes
 * to Kafka in one Kafka transaction together with the table's offset after it ({@link PollingOffsets}), through
 * the same transactional producer and offsets topic as the binlog mode. Offsets are read back with
 * {@code read_committed} at start, so a restart or a crash neither skips nor repeats a polled row. Every row is
 * published as {@code op=r}, its current state: consumers apply it as an upsert by key.
 */
public final class PollingCapture implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PollingCapture.class);

    private final CdcConfig config;
    private final PollingConfig polling;
    private final SchemaCatalog catalog;
    private final ChangeEvents events;
    private final ChangePublisher publisher;
    private final List<PolledTable> tables = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, PollingOffset> offsets = new ConcurrentHashMap<>();
    private final AtomicLong changesPublished = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final String deadLetterTopic;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile Instant lastPoll;
    private volatile Exception failure;

    /**
     * Connects and checks every captured table against the configuration: a configured column that does not
     * exist, has the wrong type or is not unique, or a table the user may not SELECT from, stops the start here
     * with a message that names the table, the column and the config key (or the GRANT to run).
     */
    public PollingCapture(CdcConfig config, PollingConfig polling) throws SQLException {
        this.config = config;
        this.polling = polling;
        this.catalog = new SchemaCatalog(config);
        this.deadLetterTopic = "rdbms." + config.serverName() + ".dlq";
        long sourceServerId;
        try (Connection connection = connect()) {
            sourceServerId = queryLong(connection, "SELECT @@server_id");
            String user = currentUser(connection);
            List<TableSchema> schemas = catalog.loadAll(connection);
            if (schemas.isEmpty()) {
                List<String> scopes = config.databases().isEmpty() ? List.of("*.*") : config.databases().stream().map(d -> quote(d) + ".*").toList();
                throw new JobFailedException("no table to poll: user " + user + " sees no table that databases.include, tables.include and "
                        + "tables.exclude select (the server lists only tables a user has a privilege on). Grant it with: "
                        + scopes.stream().map(scope -> "GRANT SELECT ON " + scope + " TO " + user + ";").collect(Collectors.joining(" ")));
            }
            List<String> problems = new ArrayList<>();
            List<String> names = schemas.stream().map(TableSchema::qualifiedName).toList();
            polling.namedTables().forEach((table, key) -> {
                if (!names.contains(table)) {
                    problems.add(key + " names " + table + ", which is not a captured table (captured: " + String.join(", ", names) + ")");
                }
            });
            for (TableSchema schema : schemas) {
                checkSelect(connection, schema, user);
                PolledTable.resolve(connection, schema, polling, problems).ifPresent(tables::add);
            }
            if (!problems.isEmpty()) {
                throw new JobFailedException("cannot poll: " + String.join("; ", problems));
            }
        }
        this.events = new ChangeEvents(config.serverName(), sourceServerId);
        this.publisher = new ChangePublisher(config);
    }

    /** Row events (not counting dead letters) sent and committed to Kafka so far. */
    public long changesPublished() {
        return changesPublished.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    /** Why the service stopped, if it failed. */
    public Optional<Exception> failure() {
        return Optional.ofNullable(failure);
    }

    /** The committed offset of each polled table so far, by {@code db.table}. */
    public Map<String, PollingOffset> committedOffsets() {
        return Map.copyOf(offsets);
    }

    /** One line for {@code /health}. */
    public String status() {
        if (!started) {
            return "starting";
        }
        return "polling " + tables.size() + " tables, " + changesPublished.get() + " rows published, last poll "
                + (lastPoll == null ? "not yet" : lastPoll.toString());
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.put("user", config.user());
        p.put("password", config.password());
        // TIMESTAMP values are read and compared in UTC, as the binlog mode writes them.
        p.put("connectionTimeZone", "UTC");
        p.put("forceConnectionTimeZoneToSession", "true");
        return DriverManager.getConnection(config.jdbcUrl(), p);
    }

    private static void checkSelect(Connection connection, TableSchema schema, String user) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            sql.executeQuery("SELECT * FROM " + quote(schema.database()) + "." + quote(schema.table()) + " WHERE 1 = 0").close();
        } catch (SQLException e) {
            if (isPrivilegeError(e)) {
                throw new JobFailedException(selectDenied(schema, user, e));
            }
            throw e;
        }
    }

    private static boolean isPrivilegeError(SQLException e) {
        return e.getErrorCode() == 1142 || e.getErrorCode() == 1143;
    }

    private static String selectDenied(TableSchema schema, String user, SQLException e) {
        return "user " + user + " may not read " + schema.qualifiedName() + " (" + e.getMessage() + "). Grant it with: GRANT SELECT ON "
                + quote(schema.database()) + "." + quote(schema.table()) + " TO " + user + ";";
    }

    /** {@code 'user'@'host'} as the server knows this connection's account. */
    private static String currentUser(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery("SELECT CURRENT_USER()")) {
            rows.next();
            String account = rows.getString(1);
            int at = account.lastIndexOf('@');
            return at < 0 ? "'" + account + "'" : "'" + account.substring(0, at) + "'@'" + account.substring(at + 1) + "'";
        }
    }

    /**
     * Polls until {@link #close()}: each round reads one batch of every table, and the next round follows at once
     * while some table had a full batch, otherwise after {@code polling.interval}. A lost database connection is
     * opened again with a doubling backoff; the offsets in memory are the committed ones, so nothing is skipped.
     */
    @Override
    public void run() {
        Connection connection = null;
        try {
            publisher.initTransactions(); // fences an earlier instance and aborts its open transaction first
            Map<String, PollingOffset> stored = PollingOffsets.read(config.bootstrapServers(), config.offsetsTopic(), config.serverName());
            for (PolledTable table : tables) {
                PollingOffset offset = stored.get(table.name());
                if (offset != null && !table.accepts(offset)) {
                    throw new JobFailedException(offsetMismatch(table, offset));
                }
                if (offset != null) {
                    offsets.put(table.name(), offset);
                }
                LOG.info("polling {} ({}) from {}", table.name(), table.describeOffset(), offset == null ? "its start" : offset);
            }
            started = true;
            Duration backoff = Duration.ofMillis(500);
            while (running) {
                try {
                    if (connection == null) {
                        connection = connect();
                    }
                    boolean more = false;
                    for (PolledTable table : List.copyOf(tables)) {
                        if (!running) {
                            break;
                        }
                        more |= pollOnce(connection, table);
                    }
                    lastPoll = Instant.now();
                    backoff = Duration.ofMillis(500);
                    if (!more) {
                        stopped.await(polling.interval().toMillis(), TimeUnit.MILLISECONDS);
                    }
                } catch (SQLException e) {
                    if (!isConnectionLoss(e)) {
                        throw e;
                    }
                    LOG.warn("database connection lost ({}); reconnecting in {} (offsets stay at the last committed rows)", e.getMessage(), backoff);
                    closeQuietly(connection);
                    connection = null;
                    stopped.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
                    backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
            LOG.error("polling stopped: {}", e.getMessage());
        } finally {
            running = false;
            closeQuietly(connection);
            publisher.close();
        }
    }

    private String offsetMismatch(PolledTable table, PollingOffset offset) {
        return "the stored polling offset of " + table.name() + " (" + offset.mode() + ": " + offset + ") was written for another mode or "
                + "column than now configured (" + table.describeOffset() + "). Restore the configuration, or delete the offset to poll the "
                + "table from its start (its rows are sent again as op=r): write a tombstone for the key "
                + new String(PollingOffsets.key(config.serverName(), table.schema().database(), table.schema().table()), StandardCharsets.UTF_8)
                + " to " + config.offsetsTopic();
    }

    /**
     * Reads one batch of {@code table} after its offset and publishes it with the offset after it, in one Kafka
     * transaction. Returns whether the batch was full (more rows may be waiting).
     */
    private boolean pollOnce(Connection connection, PolledTable table) throws SQLException {
        PollingOffset after = offsets.get(table.name());
        Optional<PolledTable.Batch> read;
        try {
            read = table.next(connection, after, polling.batchRows());
            if (read.isEmpty()) {
                table = reloaded(connection, table);
                read = table.next(connection, after, polling.batchRows());
            }
        } catch (SQLException e) {
            if (isPrivilegeError(e)) {
                throw new JobFailedException(selectDenied(table.schema(), currentUser(connection), e));
            }
            if (e.getErrorCode() == 1146) {
                LOG.warn("table {} is gone ({}); it is no longer polled", table.name(), e.getMessage());
                tables.remove(table);
                return false;
            }
            throw e;
        }
        if (read.isEmpty()) {
            throw new IllegalStateException("the columns of " + table.name() + " changed again while it was read; polling stops at " + after);
        }
        PolledTable.Batch batch = read.get();
        if (batch.rows().isEmpty()) {
            return false;
        }
        List<ChangeEvents.Change> records = new ArrayList<>(batch.rows().size() + 1);
        long rows = 0;
        long dead = 0;
        TableSchema schema = table.schema();
        for (PolledTable.Row row : batch.rows()) {
            if (row.values() == null) {
                records.add(deadLetter(table, row));
                dead++;
            } else {
                records.add(events.polled(schema, ChangeEvents.row(schema, row.values()), ChangeEvents.keyOf(schema, row.values()),
                        batch.queryMillis()));
                rows++;
            }
        }
        PollingOffset last = batch.rows().get(batch.rows().size() - 1).offset();
        records.add(PollingOffsets.record(config, schema, last));
        publisher.publishTransaction(records);
        // Counted before the offset moves, so whoever sees the offset also sees the count.
        changesPublished.addAndGet(rows);
        deadLettered.addAndGet(dead);
        offsets.put(table.name(), last);
        return batch.full();
    }

    /** The table after an ALTER: its schema read again and checked against the configuration again. */
    private PolledTable reloaded(Connection connection, PolledTable table) throws SQLException {
        Optional<TableSchema> schema = catalog.reload(connection, table.schema().database(), table.schema().table());
        if (schema.isEmpty()) {
            throw new SQLException("table " + table.name() + " no longer exists", "42S02", 1146);
        }
        List<String> problems = new ArrayList<>();
        PolledTable again = PolledTable.resolve(connection, schema.get(), polling, problems)
                .orElseThrow(() -> new JobFailedException("table " + table.name() + " was altered and cannot be polled any more: "
                        + String.join("; ", problems)));
        if (!again.describeOffset().equals(table.describeOffset())) {
            throw new JobFailedException("table " + table.name() + " was altered: polled " + table.describeOffset() + " until now, now it would be "
                    + again.describeOffset() + "; restart the service to poll it that way");
        }
        LOG.info("table {} was altered; polling it with its new columns", table.name());
        tables.set(tables.indexOf(table), again);
        return again;
    }

    private ChangeEvents.Change deadLetter(PolledTable table, PolledTable.Row row) {
        LOG.error("dead-lettered a row of {}: {}", table.name(), row.error());
        return new ChangeEvents.Change(deadLetterTopic, null, row.error().getBytes(StandardCharsets.UTF_8), Map.of(
                "dlq.reason", row.error(), "dlq.table", table.name(), "dlq.polling.offset", new String(row.offset().toJson(), StandardCharsets.UTF_8)));
    }

    private static boolean isConnectionLoss(SQLException e) {
        return e instanceof SQLRecoverableException || e instanceof SQLTransientException || e instanceof SQLNonTransientConnectionException
                || e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the database connection failed: {}", e.getMessage());
            }
        }
    }

    /** Stops polling after the batch being published; what was published stays, with its offset. */
    @Override
    public void close() {
        running = false;
        stopped.countDown();
    }
}
