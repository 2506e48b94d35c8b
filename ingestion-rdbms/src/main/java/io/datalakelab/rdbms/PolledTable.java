package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table as the polling mode reads it: its schema, mode and offset columns, checked against the database
 * when it is made, and the queries that read the rows after an offset.
 *
 * <p>A row is taken only once its timestamp is older than the database's clock minus {@code polling.timestamp.delay}:
 * transactions commit out of timestamp order, and a row that becomes visible after a newer timestamp was polled
 * would otherwise be behind the offset for good. The offset values are read as the database writes them
 * ({@code DATE_FORMAT}, {@code CAST(... AS CHAR)}) and bound back as such, so no time zone or precision is lost
 * on the way.
 */
final class PolledTable {

    private static final Logger LOG = LoggerFactory.getLogger(PolledTable.class);
    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint");
    private static final Set<String> TIMESTAMP_TYPES = Set.of("timestamp", "datetime");
    private static final String TIMESTAMP_FORMAT = "'%Y-%m-%d %H:%i:%s.%f'";

    /** A column the offset is made of, and the config key that chose it. */
    record OffsetColumn(String name, String dataType, String key) {
    }

    /**
     * One polled row: its values in the schema's column order (null when a value could not be decoded, then
     * {@code error} says why) and the offset just after it.
     */
    record Row(List<JsonNode> values, String error, PollingOffset offset) {
    }

    /**
     * The rows of one query, in offset order; {@code full} when there may be more right away. {@code queryMillis}
     * is the database's clock when the query ran.
     */
    record Batch(List<Row> rows, long queryMillis, boolean full) {
    }

    private final TableSchema schema;
    private final PollingMode mode;
    private final OffsetColumn timestamp;
    private final OffsetColumn incrementing;
    private final Duration delay;

    PolledTable(TableSchema schema, PollingMode mode, OffsetColumn timestamp, OffsetColumn incrementing, Duration delay) {
        this.schema = schema;
        this.mode = mode;
        this.timestamp = mode.usesTimestamp() ? timestamp : null;
        this.incrementing = mode.usesIncrementing() ? incrementing : null;
        this.delay = delay;
    }

    TableSchema schema() {
        return schema;
    }

    String name() {
        return schema.qualifiedName();
    }

    /**
     * The table with its mode and columns as configured, checked against the database: every problem found
     * (a column that does not exist, has the wrong type, or is not unique) is added to {@code problems}, naming
     * the table, the column and the config key, and the result is then empty.
     */
    static Optional<PolledTable> resolve(Connection connection, TableSchema schema, PollingConfig polling, List<String> problems)
            throws SQLException {
        String table = schema.qualifiedName();
        PollingMode mode = polling.modeOf(table);
        Map<String, ColumnFacts> facts = columnFacts(connection, schema);
        int before = problems.size();
        OffsetColumn timestamp = null;
        OffsetColumn incrementing = null;
        if (mode.usesTimestamp()) {
            Optional<PollingConfig.ChosenColumn> chosen = polling.timestampColumnOf(table);
            if (chosen.isEmpty()) {
                problems.add("table " + table + ": " + polling.modeKeyOf(table) + " is " + mode + " but no timestamp column is configured; set "
                        + CdcConfig.POLLING_TIMESTAMP_COLUMN.name() + " (every table) or " + CdcConfig.POLLING_TABLE_TIMESTAMP_COLUMN.name()
                        + "=" + table + ".<column>");
            } else {
                timestamp = checkTimestamp(schema, chosen.get(), facts, polling.timestampDelay(), problems);
            }
        }
        if (mode.usesIncrementing()) {
            Optional<PollingConfig.ChosenColumn> chosen = polling.incrementingColumnOf(table);
            if (chosen.isEmpty()) {
                chosen = defaultIncrementing(schema, mode, facts);
                if (chosen.isEmpty()) {
                    problems.add("table " + table + ": " + polling.modeKeyOf(table) + " is " + mode + " but the table has no AUTO_INCREMENT column"
                            + (mode.usesTimestamp() ? " or single-column integer primary key" : "") + " and none is configured; set "
                            + CdcConfig.POLLING_INCREMENTING_COLUMN.name() + " (every table) or "
                            + CdcConfig.POLLING_TABLE_INCREMENTING_COLUMN.name() + "=" + table + ".<column>");
                }
            }
            if (chosen.isPresent()) {
                incrementing = checkIncrementing(connection, schema, chosen.get(), facts, problems);
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        String leading = timestamp != null ? timestamp.name() : incrementing.name();
        if (!leadsAnIndex(connection, schema, leading)) {
            LOG.warn("table {}: no index starts with '{}', so every poll scans and sorts the whole table; add one: CREATE INDEX ... ON {} ({})",
                    table, leading, quote(schema), timestamp != null && incrementing != null
                            ? quote(timestamp.name()) + ", " + quote(incrementing.name()) : quote(leading));
        }
        return Optional.of(new PolledTable(schema, mode, timestamp, incrementing, polling.timestampDelay()));
    }

    /**
     * The table's AUTO_INCREMENT column; with a timestamp, where the column only orders rows of one timestamp and
     * need not grow, also a single-column integer primary key.
     */
    private static Optional<PollingConfig.ChosenColumn> defaultIncrementing(TableSchema schema, PollingMode mode, Map<String, ColumnFacts> facts) {
        String key = CdcConfig.POLLING_INCREMENTING_COLUMN.name();
        Optional<String> autoIncrement = schema.columns().stream().map(TableSchema.Column::name)
                .filter(name -> facts.containsKey(name) && facts.get(name).autoIncrement).findFirst();
        if (autoIncrement.isPresent()) {
            return Optional.of(new PollingConfig.ChosenColumn(autoIncrement.get(), key + " (empty: the AUTO_INCREMENT column)"));
        }
        if (mode.usesTimestamp() && schema.primaryKey().size() == 1 && schema.columns().stream()
                .anyMatch(c -> c.name().equals(schema.primaryKey().get(0)) && INTEGER_TYPES.contains(c.dataType()))) {
            return Optional.of(new PollingConfig.ChosenColumn(schema.primaryKey().get(0), key + " (empty: the integer primary key)"));
        }
        return Optional.empty();
    }

    /** What polling needs to know of a column beyond {@link TableSchema.Column}: its full type, fraction digits, NULL and AUTO_INCREMENT. */
    private record ColumnFacts(String name, String columnType, int precision, boolean nullable, boolean autoIncrement) {
    }

    private static Map<String, ColumnFacts> columnFacts(Connection connection, TableSchema schema) throws SQLException {
        Map<String, ColumnFacts> out = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT COLUMN_NAME, COLUMN_TYPE, DATETIME_PRECISION, IS_NULLABLE, EXTRA "
                + "FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            query.setString(1, schema.database());
            query.setString(2, schema.table());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String extra = rows.getString(5) == null ? "" : rows.getString(5).toLowerCase(Locale.ROOT);
                    out.put(rows.getString(1), new ColumnFacts(rows.getString(1), rows.getString(2).toLowerCase(Locale.ROOT), rows.getInt(3),
                            "YES".equalsIgnoreCase(rows.getString(4)), extra.contains("auto_increment")));
                }
            }
        }
        return out;
    }

    private static Optional<TableSchema.Column> column(TableSchema schema, PollingConfig.ChosenColumn chosen, List<String> problems) {
        Optional<TableSchema.Column> column = schema.columns().stream().filter(c -> c.name().equals(chosen.name())).findFirst();
        if (column.isEmpty()) {
            problems.add("table " + schema.qualifiedName() + " has no column '" + chosen.name() + "' (named by " + chosen.key() + "); its columns: "
                    + String.join(", ", schema.columns().stream().map(TableSchema.Column::name).toList()));
        }
        return column;
    }

    private static OffsetColumn checkTimestamp(TableSchema schema, PollingConfig.ChosenColumn chosen, Map<String, ColumnFacts> facts,
                                               Duration delay, List<String> problems) {
        Optional<TableSchema.Column> column = column(schema, chosen, problems);
        if (column.isEmpty()) {
            return null;
        }
        ColumnFacts fact = facts.get(chosen.name());
        if (!TIMESTAMP_TYPES.contains(column.get().dataType())) {
            problems.add("table " + schema.qualifiedName() + ": column '" + chosen.name() + "' (named by " + chosen.key() + ") is "
                    + typeOf(column.get(), fact) + ", but a timestamp column must be TIMESTAMP or DATETIME");
            return null;
        }
        if (fact != null && fact.nullable) {
            LOG.warn("table {}: timestamp column '{}' is nullable; rows whose {} is NULL are never polled", schema.qualifiedName(),
                    chosen.name(), chosen.name());
        }
        int precision = fact == null ? 0 : fact.precision;
        if (delay.compareTo(Duration.ofNanos((long) Math.pow(10, 9 - precision))) < 0) {
            LOG.warn("table {}: {} ({}) is less than the resolution of '{}' ({}): a row changed twice within one tick of it after it was "
                    + "polled keeps its timestamp and the second change is missed", schema.qualifiedName(), CdcConfig.POLLING_TIMESTAMP_DELAY.name(),
                    CdcConfig.POLLING_TIMESTAMP_DELAY.type().format(delay), chosen.name(), precision == 0 ? "1 s" : "1e-" + precision + " s");
        }
        return new OffsetColumn(chosen.name(), column.get().dataType(), chosen.key());
    }

    private static OffsetColumn checkIncrementing(Connection connection, TableSchema schema, PollingConfig.ChosenColumn chosen,
                                                  Map<String, ColumnFacts> facts, List<String> problems) throws SQLException {
        Optional<TableSchema.Column> column = column(schema, chosen, problems);
        if (column.isEmpty()) {
            return null;
        }
        if (!INTEGER_TYPES.contains(column.get().dataType())) {
            problems.add("table " + schema.qualifiedName() + ": column '" + chosen.name() + "' (named by " + chosen.key() + ") is "
                    + typeOf(column.get(), facts.get(chosen.name())) + ", but an incrementing column must be an integer type (TINYINT to BIGINT)");
            return null;
        }
        if (!uniqueOnItsOwn(connection, schema, chosen.name())) {
            problems.add("table " + schema.qualifiedName() + ": column '" + chosen.name() + "' (named by " + chosen.key() + ") is not unique on "
                    + "its own, so rows sharing a value could be cut apart between two polls and one side skipped; choose a unique column or "
                    + "add a unique key: ALTER TABLE " + quote(schema) + " ADD UNIQUE (" + quote(chosen.name()) + ")");
            return null;
        }
        ColumnFacts fact = facts.get(chosen.name());
        if (fact != null && fact.nullable) {
            LOG.warn("table {}: incrementing column '{}' is nullable; rows whose {} is NULL are never polled", schema.qualifiedName(),
                    chosen.name(), chosen.name());
        }
        return new OffsetColumn(chosen.name(), column.get().dataType(), chosen.key());
    }

    private static boolean uniqueOnItsOwn(Connection connection, TableSchema schema, String column) throws SQLException {
        Map<String, Set<String>> uniqueKeys = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0")) {
            query.setString(1, schema.database());
            query.setString(2, schema.table());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    uniqueKeys.computeIfAbsent(rows.getString(1), k -> new HashSet<>()).add(rows.getString(2));
                }
            }
        }
        return uniqueKeys.values().stream().anyMatch(columns -> columns.equals(Set.of(column)));
    }

    private static boolean leadsAnIndex(Connection connection, TableSchema schema, String column) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM information_schema.STATISTICS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ? AND SEQ_IN_INDEX = 1 LIMIT 1")) {
            query.setString(1, schema.database());
            query.setString(2, schema.table());
            query.setString(3, column);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static String typeOf(TableSchema.Column column, ColumnFacts fact) {
        return fact == null ? column.dataType() : fact.columnType;
    }

    /**
     * Whether {@code stored} was written for this table's mode and columns; a changed configuration would
     * read its values against the wrong columns.
     */
    boolean accepts(PollingOffset stored) {
        return stored.mode() == mode
                && (timestamp == null || timestamp.name().equals(stored.timestampColumn()))
                && (incrementing == null || incrementing.name().equals(stored.incrementingColumn()));
    }

    /** What the offset is made of, e.g. {@code timestamp+incrementing on updated_at, id}. */
    String describeOffset() {
        return mode + " on " + (timestamp != null && incrementing != null ? timestamp.name() + ", " + incrementing.name()
                : timestamp != null ? timestamp.name() : incrementing.name());
    }

    /**
     * The query for the rows after an offset ({@code fromStart}: of the whole table), in offset order, at most
     * {@code limit}. Timestamp modes take only rows older than the database's clock minus the delay.
     */
    String nextRowsQuery(boolean fromStart, int limit) {
        StringBuilder sql = new StringBuilder(selectList()).append(" WHERE ");
        String ts = timestamp == null ? null : "t." + quote(timestamp.name());
        String id = incrementing == null ? null : "t." + quote(incrementing.name());
        if (ts != null) {
            sql.append(ts).append(" < ").append(clock()).append(" - INTERVAL ").append(delay.toNanos() / 1000).append(" MICROSECOND");
        }
        switch (mode) {
            case TIMESTAMP_INCREMENTING -> {
                if (!fromStart) {
                    sql.append(" AND (").append(ts).append(" > ? OR (").append(ts).append(" = ? AND ").append(id).append(" > ?))");
                }
                sql.append(" ORDER BY ").append(ts).append(", ").append(id);
            }
            case TIMESTAMP -> {
                if (!fromStart) {
                    sql.append(" AND ").append(ts).append(" > ?");
                }
                sql.append(" ORDER BY ").append(ts);
            }
            case INCREMENTING -> {
                sql.append(fromStart ? id + " IS NOT NULL" : id + " > ?");
                sql.append(" ORDER BY ").append(id);
            }
        }
        return sql.append(" LIMIT ").append(limit).toString();
    }

    /** Timestamp mode: every row of one timestamp, for a batch that this one timestamp fills on its own. */
    String sameTimestampQuery() {
        return selectList() + " WHERE t." + quote(timestamp.name()) + " = ?";
    }

    private String selectList() {
        StringBuilder sql = new StringBuilder("SELECT t.*");
        if (timestamp != null) {
            sql.append(", DATE_FORMAT(t.").append(quote(timestamp.name())).append(", ").append(TIMESTAMP_FORMAT).append(")");
        }
        if (incrementing != null) {
            sql.append(", CAST(t.").append(quote(incrementing.name())).append(" AS CHAR)");
        }
        return sql.append(", UNIX_TIMESTAMP(NOW(6)) FROM ").append(quote(schema)).append(" AS t").toString();
    }

    /**
     * The database's clock in the column's terms. The session runs in UTC, as TIMESTAMP values are compared;
     * a DATETIME holds what writers' NOW() gave, which is the server's own time zone unless they chose another.
     */
    private String clock() {
        return timestamp.dataType().equals("timestamp") ? "NOW(6)" : "CONVERT_TZ(NOW(6), @@session.time_zone, @@global.time_zone)";
    }

    /**
     * The rows after {@code after} (null: from the start of the table), at most {@code limit} of them; empty
     * when the result's columns are no longer the schema's (the table was altered: read its schema again).
     */
    Optional<Batch> next(Connection connection, PollingOffset after, int limit) throws SQLException {
        List<Row> rows = new ArrayList<>();
        long queryMillis;
        try (PreparedStatement query = connection.prepareStatement(nextRowsQuery(after == null, limit))) {
            if (after != null) {
                bind(query, after);
            }
            query.setFetchSize(limit);
            try (ResultSet result = query.executeQuery()) {
                if (!matchesSchema(result.getMetaData())) {
                    return Optional.empty();
                }
                queryMillis = read(result, rows);
            }
        }
        boolean full = rows.size() >= limit;
        if (mode == PollingMode.TIMESTAMP && full) {
            // Without a unique column to order by, a batch must not end inside a group of equal timestamps: the next
            // query starts after that timestamp and would skip the rest of the group.
            String last = rows.get(rows.size() - 1).offset().timestamp();
            int firstOfLast = rows.size() - 1;
            while (firstOfLast > 0 && rows.get(firstOfLast - 1).offset().timestamp().equals(last)) {
                firstOfLast--;
            }
            if (firstOfLast > 0) {
                rows = new ArrayList<>(rows.subList(0, firstOfLast));
            } else {
                rows.clear();
                try (PreparedStatement query = connection.prepareStatement(sameTimestampQuery())) {
                    query.setString(1, last);
                    query.setFetchSize(limit);
                    try (ResultSet result = query.executeQuery()) {
                        if (!matchesSchema(result.getMetaData())) {
                            return Optional.empty();
                        }
                        read(result, rows);
                    }
                }
                LOG.info("table {}: {} rows share the timestamp {}, more than {} rows per query; read them in one go", name(), rows.size(),
                        last, CdcConfig.POLLING_BATCH_ROWS.name());
            }
        }
        return Optional.of(new Batch(rows, rows.isEmpty() ? 0 : queryMillis, full));
    }

    private void bind(PreparedStatement query, PollingOffset after) throws SQLException {
        switch (mode) {
            case TIMESTAMP_INCREMENTING -> {
                query.setString(1, after.timestamp());
                query.setString(2, after.timestamp());
                query.setBigDecimal(3, new BigDecimal(after.incrementing()));
            }
            case TIMESTAMP -> query.setString(1, after.timestamp());
            case INCREMENTING -> query.setBigDecimal(1, new BigDecimal(after.incrementing()));
        }
    }

    private boolean matchesSchema(ResultSetMetaData meta) throws SQLException {
        int extra = (timestamp == null ? 0 : 1) + (incrementing == null ? 0 : 1) + 1;
        if (meta.getColumnCount() != schema.columns().size() + extra) {
            return false;
        }
        for (int i = 0; i < schema.columns().size(); i++) {
            if (!meta.getColumnName(i + 1).equalsIgnoreCase(schema.columns().get(i).name())) {
                return false;
            }
        }
        return true;
    }

    /** Reads every row of {@code result} into {@code rows}; returns the query's time by the database's clock, epoch ms. */
    private long read(ResultSet result, List<Row> rows) throws SQLException {
        int columns = schema.columns().size();
        int next = columns + 1;
        int timestampIndex = timestamp == null ? -1 : next++;
        int incrementingIndex = incrementing == null ? -1 : next++;
        int clockIndex = next;
        long queryMillis = 0;
        while (result.next()) {
            PollingOffset offset = new PollingOffset(mode, timestamp == null ? null : timestamp.name(),
                    timestampIndex < 0 ? null : result.getString(timestampIndex), incrementing == null ? null : incrementing.name(),
                    incrementingIndex < 0 ? null : result.getString(incrementingIndex));
            queryMillis = result.getBigDecimal(clockIndex).movePointRight(3).longValue();
            List<JsonNode> values = new ArrayList<>(columns);
            String error = null;
            try {
                for (int i = 0; i < columns; i++) {
                    values.add(ColumnValues.fromResultSet(schema.columns().get(i), result, i + 1));
                }
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                    throw e; // the connection, not the row
                }
                error = "cannot decode the row of " + name() + " at " + offset + ": " + e;
                values = null;
            } catch (RuntimeException e) {
                error = "cannot decode the row of " + name() + " at " + offset + ": " + e;
                values = null;
            }
            rows.add(new Row(values, error, offset));
        }
        return queryMillis;
    }

    private static String quote(TableSchema schema) {
        return quote(schema.database()) + "." + quote(schema.table());
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
