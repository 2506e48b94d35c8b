package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
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
    /** Row schemas from the binlog's own table map events, when the server writes them in full. */
    private final BinlogTableSchemas binlogSchemas;
    private final boolean rowMetadataFull;
    private final boolean mariaDb;
    /** Whether the server writes GTIDs: MariaDB always, MySQL with gtid_mode=ON. */
    private final boolean gtidMode;
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
    /**
     * While streaming catches up with a snapshot that was resumed: which attempt read which rows, so that a row
     * event before the position of its row's attempt is not published again; null otherwise.
     */
    private SnapshotProgress catchUp;
    /** The GTID of the source transaction being read, when the server writes GTIDs. */
    private String gtid;
    /** Changes of the source transaction being read, in all and per table (for transaction events). */
    private long transactionChanges;
    private final Map<String, Long> transactionChangesPerTable = new java.util.LinkedHashMap<>();

    public ChangeCapture(CdcConfig config) throws SQLException {
        this.config = config;
        this.catalog = new SchemaCatalog(config);
        long sourceServerId;
        try (Connection connection = connect()) {
            checkBinlogSettings(connection);
            sourceServerId = queryLong(connection, "SELECT @@server_id");
            this.mariaDb = queryString(connection, "SELECT VERSION()").toLowerCase(java.util.Locale.ROOT).contains("mariadb");
            Privileges.checkBinlogStatus(connection, config.user(), mariaDb);
            this.gtidMode = mariaDb || "ON".equalsIgnoreCase(globalVariable(connection, "gtid_mode"));
            this.rowMetadataFull = "FULL".equalsIgnoreCase(globalVariable(connection, "binlog_row_metadata"));
            this.binlogSchemas = new BinlogTableSchemas(config, BinlogTableSchemas.loadCollations(connection), mariaDb);
        }
        if (!rowMetadataFull) {
            LOG.warn("binlog_row_metadata is not FULL: rows are decoded with the columns information_schema shows now, so rows written "
                    + "before an ALTER and read after it (a restart from an older position, a capture that lags) can be dead-lettered or "
                    + "decoded with the wrong columns. Fix: SET GLOBAL binlog_row_metadata = 'FULL' (and binlog_row_metadata=FULL in "
                    + "the server's configuration)");
        }
        this.events = new ChangeEvents(config.serverName(), sourceServerId);
        this.publisher = new ChangePublisher(config);
    }

    /** The position after the last transaction whose changes are in Kafka. */
    public Optional<BinlogPosition> committedPosition() {
        return Optional.ofNullable(committed);
    }

    /** Row change events (not counting tombstones, dead letters, DDL, transaction or heartbeat events) committed to Kafka so far. */
    public long changesPublished() {
        return changesPublished.get();
    }

    /** Binlog events sent to the dead-letter topic so far. */
    public long deadLettered() {
        return publisher.deadLettered();
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

    /** The stored position, or a snapshot's (or the binlog's end) when there is none, by snapshot.mode; with its GTID state when known. */
    private BinlogPosition startingPosition() throws Exception {
        try (Connection connection = connect()) {
            committed = withGtidState(connection, positionToStartFrom(connection));
        }
        return committed;
    }

    /**
     * The GTID state at {@code position}, when the server has GTIDs and it is not known yet. MariaDB looks it up for
     * any transaction boundary ({@code BINLOG_GTID_POS}); MySQL's comes with the position from the snapshot.
     */
    private BinlogPosition withGtidState(Connection connection, BinlogPosition position) throws SQLException {
        if (!gtidMode) {
            return position.withGtids(null);
        }
        if (position.gtids() != null || !mariaDb) {
            return position;
        }
        try (java.sql.PreparedStatement query = connection.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            query.setString(1, position.file());
            query.setLong(2, position.position());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? position.withGtids(rows.getString(1)) : position;
            }
        }
    }

    private BinlogPosition positionToStartFrom(Connection connection) throws Exception {
        Optional<BinlogPosition> stored = publisher.storedPosition();
        catalog.loadAll(connection);
        if (stored.isPresent() && stored.get().snapshotDone()) {
            boolean byGtid = gtidMode && stored.get().gtids() != null;
            boolean available = byGtid ? gtidsAvailable(connection, stored.get().gtids()) : binlogExists(connection, stored.get().file());
            if (!available) {
                if (config.snapshotMode() != CdcConfig.SnapshotMode.WHEN_NEEDED) {
                    throw new JobFailedException(purgedMessage(stored.get()));
                }
                LOG.warn("stored position {} was purged from the server; snapshotting again (snapshot.mode=when_needed)", stored.get());
                committed = snapshot().take(connect(), true, null);
                return committed;
            }
            LOG.info("resuming from the stored binlog position {}", stored.get());
            committed = stored.get();
            return stored.get();
        }
        SnapshotProgress interrupted = stored.map(BinlogPosition::snapshot).filter(progress -> progress.next() != null).orElse(null);
        boolean takesRows = config.snapshotMode() == CdcConfig.SnapshotMode.INITIAL || config.snapshotMode() == CdcConfig.SnapshotMode.WHEN_NEEDED;
        if (interrupted != null && takesRows && binlogExists(connection, interrupted.streamFrom().file())) {
            LOG.info("an earlier snapshot was interrupted at {}; resuming it", interrupted.next());
            committed = snapshot().take(connect(), true, interrupted);
            return committed;
        }
        if (stored.isPresent()) {
            LOG.warn("an earlier snapshot did not finish{}; taking it again from the start (its rows are sent again as op=r)",
                    interrupted != null && takesRows ? " and the binlog it started at was purged" : "");
        }
        BinlogPosition position = switch (config.snapshotMode()) {
            case INITIAL, WHEN_NEEDED -> snapshot().take(connect(), true, null);
            case SCHEMA_ONLY -> snapshot().take(connect(), false, null);
            case NEVER -> {
                BinlogPosition end = Snapshot.currentPosition(connection);
                publisher.publish(List.of(), end);
                yield end;
            }
        };
        committed = position;
        return position;
    }

    private Snapshot snapshot() {
        return new Snapshot(config, catalog, events, publisher, () -> running);
    }

    /**
     * Whether the server still has every transaction after the GTID state {@code gtids}: MySQL has purged none
     * that the state lacks; on MariaDB, per replication domain, the state is not older than the oldest binlog's.
     */
    private boolean gtidsAvailable(Connection connection, String gtids) throws SQLException {
        if (!mariaDb) {
            try (java.sql.PreparedStatement query = connection.prepareStatement("SELECT GTID_SUBSET(@@GLOBAL.gtid_purged, ?)")) {
                query.setString(1, gtids);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() && rows.getInt(1) == 1;
                }
            }
        }
        String oldest;
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery("SHOW BINARY LOGS")) {
            if (!rows.next()) {
                return false;
            }
            oldest = rows.getString(1);
        }
        String oldestState;
        try (java.sql.PreparedStatement query = connection.prepareStatement("SELECT BINLOG_GTID_POS(?, 4)")) {
            query.setString(1, oldest);
            try (ResultSet rows = query.executeQuery()) {
                oldestState = rows.next() && rows.getString(1) != null ? rows.getString(1) : "";
            }
        }
        Map<String, Long> have = sequencesByDomain(gtids);
        for (Map.Entry<String, Long> domain : sequencesByDomain(oldestState).entrySet()) {
            if (have.getOrDefault(domain.getKey(), -1L) < domain.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** MariaDB GTID state {@code domain-server-sequence,...} as domain → sequence. */
    private static Map<String, Long> sequencesByDomain(String state) {
        Map<String, Long> out = new HashMap<>();
        for (String gtid : state.split(",")) {
            String[] parts = gtid.trim().split("-");
            if (parts.length == 3) {
                out.merge(parts[0], Long.parseLong(parts[2]), Math::max);
            }
        }
        return out;
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
        catchUp = from.snapshot() != null && from.snapshot().filtersAt(from) ? from.snapshot() : null;
        BinaryLogClient binlog = new BinaryLogClient(config.host(), config.port(), config.user(), config.password());
        binlog.setServerId(config.serverId());
        binlog.setBinlogFilename(from.file());
        binlog.setBinlogPosition(from.position());
        if (gtidMode && from.gtids() != null) {
            // Resume by GTID state: valid on any server of the topology (after a failover too); the client keeps
            // the state up to date as transactions commit, and each stored position carries it.
            binlog.setGtidSet(from.gtids());
        }
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
                LOG.error("cannot handle the binlog event at {}:{}: {}", binlog.getBinlogFilename(), position(binlog, event), e.getMessage());
                running = false;
                disconnectQuietly(binlog);
            }
        });
        // The client reports what ends its stream (a server error such as a refused dump or a purged position, a
        // dropped connection) only to its listeners, and connect() then returns as if disconnected on purpose.
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
            if (streamEnded.get() != null && running && failure == null) {
                throw streamEnded.get() instanceof IOException io ? io : new IOException(streamEnded.get().getMessage(), streamEnded.get());
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("REPLICATION SLAVE")) {
                throw new JobFailedException("user '" + config.user() + "' may not read the binlog: " + e.getMessage() + ". Grant it with: GRANT "
                        + "REPLICATION SLAVE ON *.* TO " + Privileges.account(config.user()));
            }
            throw e;
        }
        if (failure != null) {
            throw new JobFailedException(failure.getMessage());
        }
    }

    private static long position(BinaryLogClient binlog, Event event) {
        return event.getHeader() instanceof EventHeaderV4 header ? eventPosition(binlog, header) : binlog.getBinlogPosition();
    }

    /**
     * Where {@code header}'s event starts in the binlog file. MariaDB 11.4 (the tests' server) sends the events inside a
     * transaction with an end position of 0; for those, the client's position: the end of the last event that had one
     * (the transaction's GTID or BEGIN), inside the same transaction, so before any position stored after it.
     */
    private static long eventPosition(BinaryLogClient binlog, EventHeaderV4 header) {
        return header.getNextPosition() > 0 ? header.getPosition() : binlog.getBinlogPosition();
    }

    private void onEvent(BinaryLogClient binlog, Event event) throws IOException, SQLException {
        EventType type = event.getHeader().getEventType();
        EventHeaderV4 header = event.getHeader();
        switch (type) {
            case TABLE_MAP -> {
                TableMapEventData map = event.getData();
                tableMaps.put(map.getTableId(), map);
            }
            case GTID -> gtid = ((GtidEventData) event.getData()).getGtid(); // MySQL: comes before the transaction's BEGIN
            case MARIADB_GTID -> {
                MariadbGtidEventData data = event.getData();
                gtid = data.getDomainId() + "-" + header.getServerId() + "-" + data.getSequence();
                if ((data.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0) {
                    // MariaDB sends its GTID event instead of a BEGIN to replicas that understand GTIDs.
                    beginTransaction(binlog, header);
                }
            }
            case QUERY -> onQuery(binlog, event.getData(), header);
            case XID -> commitTransaction(binlog, header);
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData data = event.getData();
                Optional<TableSchema> table = tableOf(data.getTableId(), binlog, header);
                if (table.isPresent()) {
                    for (Serializable[] row : data.getRows()) {
                        List<JsonNode> after = values(table.get(), row, binlog, header);
                        if (after != null && notInSnapshot(table.get(), after, binlog, header)) {
                            emit(table.get(), "c", null, ChangeEvents.row(table.get(), after), ChangeEvents.keyOf(table.get(), after), binlog, header);
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
                                if (notInSnapshot(table.get(), before, binlog, header)) {
                                    emit(table.get(), "d", ChangeEvents.row(table.get(), before), null, oldKey, binlog, header);
                                }
                                if (notInSnapshot(table.get(), after, binlog, header)) {
                                    emit(table.get(), "c", null, ChangeEvents.row(table.get(), after), newKey, binlog, header);
                                }
                            } else if (notInSnapshot(table.get(), after, binlog, header)) {
                                emit(table.get(), "u", ChangeEvents.row(table.get(), before), ChangeEvents.row(table.get(), after), newKey,
                                        binlog, header);
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
                        if (before != null && notInSnapshot(table.get(), before, binlog, header)) {
                            emit(table.get(), "d", ChangeEvents.row(table.get(), before), null, ChangeEvents.keyOf(table.get(), before), binlog,
                                    header);
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
            beginTransaction(binlog, header);
            return;
        }
        if (sql.equalsIgnoreCase("COMMIT")) {
            commitTransaction(binlog, header); // non-transactional engines end their statements this way
            return;
        }
        // Anything else in a ROW binlog is DDL (or a statement on a table nobody captures). Without the binlog's
        // own column metadata, read the schemas again so that the row events that follow decode with the new
        // columns; publish the statement and the position after it.
        if (!rowMetadataFull) {
            try (Connection connection = connect()) {
                catalog.loadAll(connection);
            }
        }
        LOG.info("schema change at {}:{} in {}: {}", binlog.getBinlogFilename(), eventPosition(binlog, header), query.getDatabase(),
                sql.length() > 200 ? sql.substring(0, 200) + "..." : sql);
        enqueue(new Committed(List.of(publisher.schemaChange(query.getDatabase(), sql, binlog.getBinlogFilename(), eventPosition(binlog, header))),
                storable(new BinlogPosition(binlog.getBinlogFilename(), header.getNextPosition(), true, binlog.getGtidSet()))));
        gtid = null;
    }

    /**
     * A source transaction starts (its BEGIN, or MariaDB's GTID event). Its id, {@code file:pos} of that event, is
     * known before its rows (unlike the XID, which comes last), so every event of it can carry it.
     */
    private void beginTransaction(BinaryLogClient binlog, EventHeaderV4 header) {
        transaction.clear();
        transactionChanges = 0;
        transactionChangesPerTable.clear();
        transactionId = binlog.getBinlogFilename() + ":" + eventPosition(binlog, header);
    }

    /**
     * False for a row event that a resumed snapshot's later attempt already holds: the attempt that read the row
     * did so at a position after this event. Always true once streaming has passed the last attempt's position.
     */
    private boolean notInSnapshot(TableSchema table, List<JsonNode> row, BinaryLogClient binlog, EventHeaderV4 header) {
        return catchUp == null || catchUp.publishes(table, SnapshotProgress.orderedKey(table, row),
                new BinlogPosition(binlog.getBinlogFilename(), eventPosition(binlog, header), true));
    }

    /** The position to store after a transaction: with the snapshot's attempts while streaming still catches up with them. */
    private BinlogPosition storable(BinlogPosition after) {
        if (catchUp == null) {
            return after;
        }
        if (!catchUp.filtersAt(after)) {
            LOG.info("streaming has passed the resumed snapshot's last position {}: every change is published from here", after);
            catchUp = null;
            return after;
        }
        return after.withSnapshot(catchUp);
    }

    /** One change event (and a tombstone after a delete) of the transaction being read. */
    private void emit(TableSchema table, String op, ObjectNode before, ObjectNode after, byte[] key, BinaryLogClient binlog,
                      EventHeaderV4 header) {
        ChangeEvents.TransactionOrder order = null;
        if (config.transactionEvents() && transactionId != null) {
            transactionChanges++;
            long ofTable = transactionChangesPerTable.merge(table.qualifiedName(), 1L, Long::sum);
            order = new ChangeEvents.TransactionOrder(transactionId, transactionChanges, ofTable);
        }
        transaction.addAll(events.of(table, op, before, after, key, new ChangeEvents.Source(binlog.getBinlogFilename(), eventPosition(binlog, header),
                transactionId, header.getTimestamp(), false, gtid, order)));
    }

    private void commitTransaction(BinaryLogClient binlog, EventHeaderV4 header) {
        // The client has added this transaction's GTID to its state before handing the event over.
        BinlogPosition after = storable(new BinlogPosition(binlog.getBinlogFilename(), header.getNextPosition(), true, binlog.getGtidSet()));
        List<ChangeEvents.Change> changes;
        if (config.transactionEvents() && transactionChanges > 0 && transactionId != null) {
            changes = new ArrayList<>(transaction.size() + 2);
            changes.add(publisher.transactionBegin(transactionId, gtid, header.getTimestamp()));
            changes.addAll(transaction);
            changes.add(publisher.transactionEnd(transactionId, gtid, header.getTimestamp(), transactionChanges, transactionChangesPerTable));
        } else {
            changes = List.copyOf(transaction);
        }
        transaction.clear();
        transactionChanges = 0;
        transactionChangesPerTable.clear();
        gtid = null;
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

    /**
     * The publishing thread: drains what was read, one Kafka transaction per drain, until stopped and empty. With
     * heartbeats on, a drain that holds no change only remembers its position, which the next drain with changes
     * or the next heartbeat stores.
     */
    private void publishLoop() {
        List<Committed> batch = new ArrayList<>();
        long heartbeatNanos = config.heartbeatInterval().toNanos();
        long pollMillis = heartbeatNanos == 0 ? 200 : Math.max(1, Math.min(200, config.heartbeatInterval().toMillis()));
        long lastStored = System.nanoTime();
        BinlogPosition unstored = null;
        try {
            while (running || !toPublish.isEmpty()) {
                Committed first = toPublish.poll(pollMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    toPublish.drainTo(batch, 999);
                }
                List<ChangeEvents.Change> changes = new ArrayList<>();
                batch.forEach(c -> changes.addAll(c.changes()));
                if (heartbeatNanos > 0 && changes.isEmpty()) {
                    if (!batch.isEmpty()) {
                        unstored = batch.get(batch.size() - 1).after();
                        inFlight.addAndGet(-batch.size());
                        batch.clear();
                    }
                    if (System.nanoTime() - lastStored >= heartbeatNanos && committed != null) {
                        BinlogPosition at = unstored != null ? unstored : committed;
                        publisher.publish(List.of(publisher.heartbeat(at)), at);
                        committed = at;
                        unstored = null;
                        lastStored = System.nanoTime();
                    }
                    continue;
                }
                if (batch.isEmpty()) {
                    continue;
                }
                BinlogPosition after = batch.get(batch.size() - 1).after();
                publisher.publish(changes, after);
                unstored = null;
                lastStored = System.nanoTime();
                // Counted before the position moves, so whoever sees the position also sees the count.
                changesPublished.addAndGet(changes.stream().filter(publisher::isRowChange).count());
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
                    eventPosition(binlog, header)));
            return Optional.empty();
        }
        // Asked for every row event: the include/exclude expressions are matched once per table.
        if (!captured.computeIfAbsent(map.getDatabase() + "." + map.getTable(), name -> config.captures(map.getDatabase(), map.getTable()))) {
            return Optional.empty();
        }
        Optional<TableSchema> table = binlogSchemas.schemaOf(map);
        if (table.isEmpty()) {
            table = catalog.get(map.getDatabase(), map.getTable());
        }
        if (table.isEmpty()) {
            transaction.add(publisher.deadLetter("no schema known for " + map.getDatabase() + "." + map.getTable(), binlog.getBinlogFilename(),
                    eventPosition(binlog, header)));
        }
        return table;
    }

    /** The row's values as JSON, or null (and a dead letter) when the row does not match the table's known columns. */
    private List<JsonNode> values(TableSchema table, Serializable[] row, BinaryLogClient binlog, EventHeaderV4 header) {
        if (row.length != table.columns().size()) {
            transaction.add(publisher.deadLetter("row of " + table.qualifiedName() + " has " + row.length + " columns but the table has "
                    + table.columns().size() + " (an ALTER the capture has not seen; the row is not decoded)", binlog.getBinlogFilename(),
                    eventPosition(binlog, header)));
            return null;
        }
        List<JsonNode> out = new ArrayList<>(row.length);
        try {
            for (int i = 0; i < row.length; i++) {
                out.add(ColumnValues.fromBinlog(table.columns().get(i), row[i]));
            }
        } catch (IOException | RuntimeException e) {
            transaction.add(publisher.deadLetter("cannot decode a row of " + table.qualifiedName() + ": " + e, binlog.getBinlogFilename(),
                    eventPosition(binlog, header)));
            return null;
        }
        return out;
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** A global server variable, or null when this server does not have it. */
    private static String globalVariable(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            return rows.next() ? rows.getString(2) : null;
        }
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
