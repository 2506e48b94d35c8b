package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.network.ServerException;
import io.datalakelab.core.cli.JobFailedException;
import java.io.IOException;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the committed row changes of the captured tables from the MySQL/MariaDB binlog into Kafka.
 *
 * <p>The binlog is read as a replica would ({@code mysql-binlog-connector-java}). Row events are collected per
 * source transaction; when the transaction commits (its XID, or a {@code COMMIT} query), its change events and
 * the binlog position after it go to Kafka in one Kafka transaction ({@link ChangePublisher}), written by a
 * publishing thread that takes every transaction read meanwhile into the same Kafka transaction. The position is
 * read back at start, so a restart neither skips nor repeats a committed change. Without a stored position the
 * tables are first snapshotted in a consistent read whose binlog position is where streaming begins.
 */
public final class ChangeCapture implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeCapture.class);

    private final CdcConfig config;
    private final SchemaCatalog catalog;
    private final ChangePublisher publisher;
    private final ChangeEvents events;
    private final AtomicReference<BinaryLogClient> client = new AtomicReference<>();
    private final AtomicLong changesPublished = new AtomicLong();
    private volatile boolean running = true;
    private volatile BinlogPosition committed;
    private volatile Exception failure;
    private Thread publishing;

    /** A source transaction read to its commit (or a DDL statement): its records and the position after it. */
    private record Committed(List<ChangeEvents.Change> changes, BinlogPosition after) {
    }

    /**
     * Read transactions wait here for the publishing thread, which sends all that are waiting in one Kafka
     * transaction: one at a time when the database is quiet (lowest latency), many together under load.
     */
    private final java.util.concurrent.BlockingQueue<Committed> toPublish = new java.util.concurrent.LinkedBlockingQueue<>(10_000);
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    /** The source transaction being read: its change records, not yet published. */
    private final List<ChangeEvents.Change> transaction = new ArrayList<>();
    private final Map<Long, TableMapEventData> tableMaps = new HashMap<>();
    private final Map<String, Boolean> captured = new HashMap<>();
    private String transactionId;

    public ChangeCapture(CdcConfig config) throws SQLException {
        this.config = config;
        this.catalog = new SchemaCatalog(config);
        long sourceServerId;
        try (Connection connection = connect()) {
            checkBinlogSettings(connection);
            sourceServerId = queryLong(connection, "SELECT @@server_id");
        }
        this.events = new ChangeEvents(config.serverName(), sourceServerId);
        this.publisher = new ChangePublisher(config);
    }

    /** The position after the last transaction whose changes are in Kafka. */
    public Optional<BinlogPosition> committedPosition() {
        return Optional.ofNullable(committed);
    }

    /** Change events (not counting tombstones) sent and committed to Kafka so far. */
    public long changesPublished() {
        return changesPublished.get();
    }

    /** Why the service stopped, if it failed. */
    public Optional<Exception> failure() {
        return Optional.ofNullable(failure);
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.put("user", config.user());
        p.put("password", config.password());
        // The snapshot reads TIMESTAMP columns in UTC, as the binlog stores them.
        p.put("connectionTimeZone", "UTC");
        p.put("forceConnectionTimeZoneToSession", "true");
        return DriverManager.getConnection(config.jdbcUrl(), p);
    }

    private static void checkBinlogSettings(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(
                "SELECT @@log_bin, @@binlog_format, @@binlog_row_image")) {
            rows.next();
            if (rows.getInt(1) != 1) {
                throw new JobFailedException("the server does not write a binlog (log_bin=OFF): start it with --log-bin");
            }
            if (!"ROW".equalsIgnoreCase(rows.getString(2))) {
                throw new JobFailedException("binlog_format is " + rows.getString(2) + ", change capture needs ROW: SET GLOBAL binlog_format = 'ROW' "
                        + "(and binlog_format=ROW in the server's configuration)");
            }
            if (!"FULL".equalsIgnoreCase(rows.getString(3))) {
                throw new JobFailedException("binlog_row_image is " + rows.getString(3) + ", change capture needs FULL: SET GLOBAL binlog_row_image = 'FULL'");
            }
        }
    }

    /**
     * Snapshots when needed, then streams until {@link #close()}. Reconnects with backoff when the database
     * goes away, from the position after the last published transaction.
     */
    @Override
    public void run() {
        try {
            publisher.initTransactions();
            BinlogPosition start = startingPosition();
            publishing = new Thread(this::publishLoop, "change-publisher");
            publishing.start();
            Duration backoff = Duration.ofMillis(500);
            while (running) {
                long connectedAt = System.nanoTime();
                try {
                    stream(start);
                } catch (IOException e) {
                    if (!running) {
                        break;
                    }
                    if (isPurged(e)) {
                        throw new JobFailedException(purgedMessage(start));
                    }
                    LOG.warn("binlog connection lost ({}); reconnecting in {} from {}", e.getMessage(), backoff, committed);
                }
                if (!running) {
                    break;
                }
                awaitPublished(); // resume after the last transaction that is really in Kafka
                Thread.sleep(backoff.toMillis());
                backoff = System.nanoTime() - connectedAt > 30_000_000_000L ? Duration.ofMillis(500)
                        : backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
                transaction.clear();
                start = committed;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
            LOG.error("change capture stopped: {}", e.getMessage());
        } finally {
            running = false;
            if (publishing != null) {
                try {
                    publishing.join(60_000); // it publishes what was read completely, then stops
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            publisher.close();
        }
    }

    /** The stored position, or a snapshot's (or the binlog's end) when there is none, by snapshot.mode. */
    private BinlogPosition startingPosition() throws Exception {
        Optional<BinlogPosition> stored = publisher.storedPosition();
        try (Connection connection = connect()) {
            catalog.loadAll(connection);
            if (stored.isPresent() && stored.get().snapshotDone()) {
                if (!binlogExists(connection, stored.get().file())) {
                    if (config.snapshotMode() != CdcConfig.SnapshotMode.WHEN_NEEDED) {
                        throw new JobFailedException(purgedMessage(stored.get()));
                    }
                    LOG.warn("stored position {} was purged from the server; snapshotting again (snapshot.mode=when_needed)", stored.get());
                    committed = new Snapshot(config, catalog, events, publisher).take(connect(), true);
                    return committed;
                }
                LOG.info("resuming from the stored binlog position {}", stored.get());
                committed = stored.get();
                return stored.get();
            }
            if (stored.isPresent()) {
                LOG.warn("an earlier snapshot did not finish; taking it again (its rows are sent again as op=r)");
            }
            BinlogPosition position = switch (config.snapshotMode()) {
                case INITIAL, WHEN_NEEDED -> new Snapshot(config, catalog, events, publisher).take(connect(), true);
                case SCHEMA_ONLY -> new Snapshot(config, catalog, events, publisher).take(connect(), false);
                case NEVER -> {
                    BinlogPosition end = Snapshot.currentPosition(connection);
                    publisher.publish(List.of(), end);
                    yield end;
                }
            };
            committed = position;
            return position;
        }
    }

    private static boolean binlogExists(Connection connection, String file) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery("SHOW BINARY LOGS")) {
            while (rows.next()) {
                if (rows.getString(1).equals(file)) {
                    return true;
                }
            }
        }
        return false;
    }

    private String purgedMessage(BinlogPosition position) {
        return "the stored binlog position " + position + " is no longer on the server (its binlog was purged), so changes since then "
                + "cannot be read. Either run with snapshot.mode=when_needed to snapshot the tables again, or delete the stored position "
                + "(bin/kafka-topics.sh --bootstrap-server " + config.bootstrapServers() + " --delete --topic " + config.offsetsTopic()
                + ") and start again; to avoid it, keep binlogs longer (binlog_expire_logs_seconds / expire_logs_days)";
    }

    private static boolean isPurged(IOException e) {
        return e instanceof ServerException server && server.getErrorCode() == 1236;
    }

    private void stream(BinlogPosition from) throws IOException {
        BinaryLogClient binlog = new BinaryLogClient(config.host(), config.port(), config.user(), config.password());
        binlog.setServerId(config.serverId());
        binlog.setBinlogFilename(from.file());
        binlog.setBinlogPosition(from.position());
        // Reconnecting is ours to do, from a transaction boundary; the client's own would resume mid-transaction.
        binlog.setKeepAlive(false);
        binlog.setConnectTimeout(config.connectTimeout().toMillis());
        EventDeserializer deserializer = new EventDeserializer();
        deserializer.setCompatibilityMode(EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY,
                EventDeserializer.CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
                EventDeserializer.CompatibilityMode.INVALID_DATE_AND_TIME_AS_MIN_VALUE);
        binlog.setEventDeserializer(deserializer);
        binlog.registerEventListener(event -> {
            try {
                onEvent(binlog, event);
            } catch (RuntimeException | IOException | SQLException e) {
                failure = e;
                LOG.error("cannot handle the binlog event at {}:{}: {}", binlog.getBinlogFilename(), position(event), e.getMessage());
                running = false;
                disconnectQuietly(binlog);
            }
        });
        AtomicReference<Exception> streamEnded = new AtomicReference<>();
        binlog.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onEventDeserializationFailure(BinaryLogClient c, Exception ex) {
                transaction.add(publisher.deadLetter("cannot decode the binlog event after " + c.getBinlogFilename() + ":"
                        + c.getBinlogPosition() + ": " + ex, c.getBinlogFilename(), c.getBinlogPosition()));
            }

            @Override
            public void onCommunicationFailure(BinaryLogClient c, Exception ex) {
                streamEnded.set(ex);
            }
        });
        client.set(binlog);
        try {
            binlog.connect();
            // The client gives what ended the stream (a dropped connection, or the server refusing the dump: a missing
            // privilege, a purged binlog) only to its listeners and returns normally: raise it, to be handled here.
            if (streamEnded.get() != null && failure == null) {
                throw streamEnded.get() instanceof IOException e ? e : new IOException(streamEnded.get());
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("REPLICATION SLAVE")) {
                throw new JobFailedException("user '" + config.user() + "' may not read the binlog: " + e.getMessage() + ". Grant it with: GRANT "
                        + "REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO '" + config.user() + "'@'%'; (on MariaDB 10.5+ also BINLOG MONITOR; "
                        + "on MySQL also RELOAD, for the snapshot's global read lock)");
            }
            throw e;
        }
        if (failure != null) {
            throw new JobFailedException(failure.getMessage());
        }
    }

    private static long position(Event event) {
        return event.getHeader() instanceof EventHeaderV4 header ? header.getPosition() : -1;
    }

    private void onEvent(BinaryLogClient binlog, Event event) throws IOException, SQLException {
        EventType type = event.getHeader().getEventType();
        EventHeaderV4 header = event.getHeader();
        switch (type) {
            case TABLE_MAP -> {
                TableMapEventData map = event.getData();
                tableMaps.put(map.getTableId(), map);
            }
            case QUERY -> onQuery(binlog, event.getData(), header);
            case XID -> commitTransaction(binlog, header);
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData data = event.getData();
                Optional<TableSchema> table = tableOf(data.getTableId(), binlog, header);
                if (table.isPresent()) {
                    for (Serializable[] row : data.getRows()) {
                        List<JsonNode> after = values(table.get(), row, binlog, header);
                        if (after != null) {
                            transaction.addAll(events.of(table.get(), "c", null, ChangeEvents.row(table.get(), after),
                                    ChangeEvents.keyOf(table.get(), after), source(binlog, header)));
                        }
                    }
                }
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData data = event.getData();
                Optional<TableSchema> table = tableOf(data.getTableId(), binlog, header);
                if (table.isPresent()) {
                    for (Map.Entry<Serializable[], Serializable[]> row : data.getRows()) {
                        List<JsonNode> before = values(table.get(), row.getKey(), binlog, header);
                        List<JsonNode> after = values(table.get(), row.getValue(), binlog, header);
                        if (before != null && after != null) {
                            byte[] oldKey = ChangeEvents.keyOf(table.get(), before);
                            byte[] newKey = ChangeEvents.keyOf(table.get(), after);
                            if (oldKey != null && !java.util.Arrays.equals(oldKey, newKey)) {
                                // The primary key changed: to key-based consumers the old row is gone, a new one appeared.
                                transaction.addAll(events.of(table.get(), "d", ChangeEvents.row(table.get(), before), null, oldKey, source(binlog, header)));
                                transaction.addAll(events.of(table.get(), "c", null, ChangeEvents.row(table.get(), after), newKey, source(binlog, header)));
                            } else {
                                transaction.addAll(events.of(table.get(), "u", ChangeEvents.row(table.get(), before),
                                        ChangeEvents.row(table.get(), after), newKey, source(binlog, header)));
                            }
                        }
                    }
                }
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                DeleteRowsEventData data = event.getData();
                Optional<TableSchema> table = tableOf(data.getTableId(), binlog, header);
                if (table.isPresent()) {
                    for (Serializable[] row : data.getRows()) {
                        List<JsonNode> before = values(table.get(), row, binlog, header);
                        if (before != null) {
                            transaction.addAll(events.of(table.get(), "d", ChangeEvents.row(table.get(), before), null,
                                    ChangeEvents.keyOf(table.get(), before), source(binlog, header)));
                        }
                    }
                }
            }
            default -> {
                // Rotations, GTID and format events: the client tracks the file and position itself.
            }
        }
    }

    private void onQuery(BinaryLogClient binlog, QueryEventData query, EventHeaderV4 header) throws SQLException {
        String sql = query.getSql().trim();
        if (sql.equalsIgnoreCase("BEGIN")) {
            transaction.clear();
            // Known before its rows (unlike the XID, which comes last), so every event of it can carry it.
            transactionId = binlog.getBinlogFilename() + ":" + header.getPosition();
            return;
        }
        if (sql.equalsIgnoreCase("COMMIT")) {
            commitTransaction(binlog, header); // non-transactional engines end their statements this way
            return;
        }
        // Anything else in a ROW binlog is DDL (or a statement on a table nobody captures): read the schemas
        // again, so the row events that follow decode with the new columns, and publish the position after it.
        try (Connection connection = connect()) {
            catalog.loadAll(connection);
        }
        LOG.info("schema change at {}:{} in {}: {}", binlog.getBinlogFilename(), header.getPosition(), query.getDatabase(),
                sql.length() > 200 ? sql.substring(0, 200) + "..." : sql);
        enqueue(new Committed(List.of(publisher.schemaChange(query.getDatabase(), sql, binlog.getBinlogFilename(), header.getPosition())),
                new BinlogPosition(binlog.getBinlogFilename(), header.getNextPosition(), true)));
    }

    private void commitTransaction(BinaryLogClient binlog, EventHeaderV4 header) {
        BinlogPosition after = new BinlogPosition(binlog.getBinlogFilename(), header.getNextPosition(), true);
        List<ChangeEvents.Change> changes = List.copyOf(transaction);
        transaction.clear();
        enqueue(new Committed(changes, after));
    }

    private void enqueue(Committed committed) {
        inFlight.incrementAndGet();
        try {
            toPublish.put(committed);
        } catch (InterruptedException e) {
            inFlight.decrementAndGet();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing a transaction over to be published", e);
        }
    }

    /** The publishing thread: drains what was read, one Kafka transaction per drain, until stopped and empty. */
    private void publishLoop() {
        List<Committed> batch = new ArrayList<>();
        try {
            while (running || !toPublish.isEmpty()) {
                Committed first = toPublish.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                toPublish.drainTo(batch, 999);
                List<ChangeEvents.Change> changes = new ArrayList<>();
                batch.forEach(c -> changes.addAll(c.changes()));
                BinlogPosition after = batch.get(batch.size() - 1).after();
                publisher.publish(changes, after);
                // Counted before the position moves, so whoever sees the position also sees the count.
                changesPublished.addAndGet(changes.stream().filter(c -> c.value() != null && !c.topic().endsWith(".dlq")).count());
                committed = after;
                inFlight.addAndGet(-batch.size());
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("cannot publish to Kafka (nothing after {} is stored as done; it is read again at the next start): {}", committed,
                    e.getMessage());
            running = false;
            BinaryLogClient binlog = client.get();
            if (binlog != null) {
                disconnectQuietly(binlog);
            }
        }
    }

    /** Waits until every transaction read so far is published (or publishing failed). */
    private void awaitPublished() throws InterruptedException {
        while (inFlight.get() > 0 && failure == null) {
            Thread.sleep(20);
        }
    }

    private Optional<TableSchema> tableOf(long tableId, BinaryLogClient binlog, EventHeaderV4 header) {
        TableMapEventData map = tableMaps.get(tableId);
        if (map == null) {
            transaction.add(publisher.deadLetter("row event for table id " + tableId + " without its table map event", binlog.getBinlogFilename(),
                    header.getPosition()));
            return Optional.empty();
        }
        // Asked for every row event: the include/exclude expressions are matched once per table.
        if (!captured.computeIfAbsent(map.getDatabase() + "." + map.getTable(), name -> config.captures(map.getDatabase(), map.getTable()))) {
            return Optional.empty();
        }
        Optional<TableSchema> table = catalog.get(map.getDatabase(), map.getTable());
        if (table.isEmpty()) {
            transaction.add(publisher.deadLetter("no schema known for " + map.getDatabase() + "." + map.getTable(), binlog.getBinlogFilename(),
                    header.getPosition()));
        }
        return table;
    }

    /** The row's values as JSON, or null (and a dead letter) when the row does not match the table's known columns. */
    private List<JsonNode> values(TableSchema table, Serializable[] row, BinaryLogClient binlog, EventHeaderV4 header) {
        if (row.length != table.columns().size()) {
            transaction.add(publisher.deadLetter("row of " + table.qualifiedName() + " has " + row.length + " columns but the table has "
                    + table.columns().size() + " (an ALTER the capture has not seen; the row is not decoded)", binlog.getBinlogFilename(),
                    header.getPosition()));
            return null;
        }
        List<JsonNode> out = new ArrayList<>(row.length);
        try {
            for (int i = 0; i < row.length; i++) {
                out.add(ColumnValues.fromBinlog(table.columns().get(i), row[i]));
            }
        } catch (IOException | RuntimeException e) {
            transaction.add(publisher.deadLetter("cannot decode a row of " + table.qualifiedName() + ": " + e, binlog.getBinlogFilename(),
                    header.getPosition()));
            return null;
        }
        return out;
    }

    private ChangeEvents.Source source(BinaryLogClient binlog, EventHeaderV4 header) {
        return new ChangeEvents.Source(binlog.getBinlogFilename(), header.getPosition(), transactionId, header.getTimestamp(), false);
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void disconnectQuietly(BinaryLogClient binlog) {
        Thread closer = new Thread(() -> {
            try {
                binlog.disconnect();
            } catch (IOException e) {
                LOG.debug("disconnect failed: {}", e.getMessage());
            }
        }, "binlog-disconnect");
        closer.setDaemon(true);
        closer.start();
    }

    /** Stops streaming; what was published stays, the partial transaction is read again at the next start. */
    @Override
    public void close() {
        running = false;
        BinaryLogClient binlog = client.get();
        if (binlog != null) {
            try {
                binlog.disconnect();
            } catch (IOException e) {
                LOG.debug("disconnect failed: {}", e.getMessage());
            }
        }
    }
}
