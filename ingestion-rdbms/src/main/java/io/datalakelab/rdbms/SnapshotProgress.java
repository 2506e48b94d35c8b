package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * How far an initial snapshot got, stored with the binlog position so that an interrupted snapshot resumes
 * instead of starting over, and so that streaming afterwards neither skips nor repeats a change.
 *
 * <p>Tables are read in the order of {@link #TABLE_ORDER} and, when their primary key is made of integer
 * columns, in key order. Each attempt is one consistent read at its own binlog position: a {@link Segment}
 * covers the rows from its {@link Boundary} up to the next segment's, as they were at that position. Streaming
 * starts at the first segment's position; until it passes the last one, a row event is published only if it
 * comes at or after the position its row was read at ({@link #publishes}), because the snapshot already
 * holds the effect of anything earlier. A row whose place cannot be decided is published: a repeated state
 * is replaced by the later events, a missed one would never be.
 *
 * @param segments the attempts so far, in order, each with where it started
 * @param next     where the current attempt reads next (the boundary a resumed attempt starts from); null once
 *                 the snapshot is done
 */
public record SnapshotProgress(List<Segment> segments, Boundary next) {

    /** Databases, then tables, in Java's string order: the snapshot's reading order and the boundaries' order. */
    static final Comparator<TableSchema> TABLE_ORDER = Comparator.comparing(TableSchema::database).thenComparing(TableSchema::table);

    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public SnapshotProgress {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a snapshot has at least one segment");
        }
        segments = List.copyOf(segments);
    }

    /**
     * A point in the snapshot's reading order: the start of table {@code database.table} ({@code afterKey} null,
     * not {@code tableDone}), the row after key {@code afterKey} in it, or the end of it ({@code tableDone}).
     * The very start is the empty table name.
     */
    public record Boundary(String database, String table, List<BigInteger> afterKey, boolean tableDone) {

        public static final Boundary START = new Boundary("", "", null, false);

        public Boundary {
            afterKey = afterKey == null ? null : List.copyOf(afterKey);
        }

        static Boundary startOf(TableSchema table) {
            return new Boundary(table.database(), table.table(), null, false);
        }

        static Boundary endOf(TableSchema table) {
            return new Boundary(table.database(), table.table(), null, true);
        }

        /** Whether the whole of {@code table} comes before this boundary (was read by an earlier attempt). */
        boolean isPast(TableSchema table) {
            int tables = compareTables(table.database(), table.table());
            return tables < 0 || tables == 0 && tableDone;
        }

        /** The key after which this boundary lies inside {@code table}, or null when it is not inside it after a key. */
        List<BigInteger> keyWithin(TableSchema table) {
            return !tableDone && afterKey != null && compareTables(table.database(), table.table()) == 0 ? afterKey : null;
        }

        /**
         * Whether the row of {@code table} with key {@code key} (null when the table's key is not orderable)
         * is at or after this boundary; null when that cannot be decided (the boundary is inside a table whose
         * key is now not made of integers).
         */
        Boolean includes(String rowDatabase, String rowTable, List<BigInteger> key) {
            int tables = compareTables(rowDatabase, rowTable);
            if (tables != 0) {
                return tables > 0;
            }
            if (tableDone) {
                return false;
            }
            if (afterKey == null) {
                return true;
            }
            if (key == null || key.size() != afterKey.size()) {
                return null;
            }
            return compareKeys(key, afterKey) > 0;
        }

        private int compareTables(String otherDatabase, String otherTable) {
            int databases = otherDatabase.compareTo(database);
            return databases != 0 ? databases : otherTable.compareTo(table);
        }

        ObjectNode toJson() {
            ObjectNode node = NODES.objectNode().put("db", database).put("table", table).put("table_done", tableDone);
            if (afterKey != null) {
                ArrayNode key = node.putArray("after_key");
                afterKey.forEach(value -> key.add(value.toString()));
            }
            return node;
        }

        static Boundary fromJson(JsonNode node) {
            List<BigInteger> key = null;
            if (node.hasNonNull("after_key")) {
                key = new ArrayList<>();
                for (JsonNode value : node.get("after_key")) {
                    key.add(new BigInteger(value.asText()));
                }
            }
            return new Boundary(node.get("db").asText(), node.get("table").asText(), key, node.path("table_done").asBoolean());
        }

        @Override
        public String toString() {
            if (database.isEmpty()) {
                return "the start";
            }
            return database + "." + table + (tableDone ? " (done)" : afterKey == null ? " (start)" : " after key " + afterKey);
        }
    }

    /** One snapshot attempt: its consistent read's binlog position and the first row it read. */
    public record Segment(String file, long position, String gtids, Boundary from) {

        BinlogPosition at() {
            return new BinlogPosition(file, position, false, gtids);
        }

        ObjectNode toJson() {
            ObjectNode node = NODES.objectNode().put("file", file).put("pos", position);
            if (gtids != null) {
                node.put("gtids", gtids);
            }
            node.set("from", from.toJson());
            return node;
        }

        static Segment fromJson(JsonNode node) {
            return new Segment(node.get("file").asText(), node.get("pos").asLong(), node.hasNonNull("gtids") ? node.get("gtids").asText() : null,
                    Boundary.fromJson(node.get("from")));
        }
    }

    /** The first attempt, reading everything at {@code at}. */
    static SnapshotProgress startingAt(BinlogPosition at) {
        return new SnapshotProgress(List.of(new Segment(at.file(), at.position(), at.gtids(), Boundary.START)), Boundary.START);
    }

    /** One more attempt, at {@code at}, for what the previous attempts had not read. */
    SnapshotProgress resumedAt(BinlogPosition at) {
        List<Segment> more = new ArrayList<>(segments);
        more.add(new Segment(at.file(), at.position(), at.gtids(), next));
        return new SnapshotProgress(more, next);
    }

    SnapshotProgress readUpTo(Boundary boundary) {
        return new SnapshotProgress(segments, boundary);
    }

    SnapshotProgress done() {
        return new SnapshotProgress(segments, null);
    }

    /** Where streaming starts: the first attempt's position. */
    BinlogPosition streamFrom() {
        return segments.get(0).at();
    }

    /** Whether streaming still has to filter: more than one attempt, and the stream is before the last one's position. */
    boolean filtersAt(BinlogPosition streamed) {
        return segments.size() > 1 && !streamed.isAtOrAfter(segments.get(segments.size() - 1).at());
    }

    /**
     * Whether a row event at {@code eventPosition} for the row of {@code table} with {@code key} is published:
     * it is, unless the snapshot attempt that read the row did so at a later position (and so already holds it).
     */
    boolean publishes(TableSchema table, List<BigInteger> key, BinlogPosition eventPosition) {
        for (int i = segments.size() - 1; i > 0; i--) {
            Boolean inSegment = segments.get(i).from().includes(table.database(), table.table(), key);
            if (inSegment == null) {
                return true;
            }
            if (inSegment) {
                return eventPosition.isAtOrAfter(segments.get(i).at());
            }
        }
        return true;
    }

    /** Whether the snapshot reads {@code table} in key order, resuming inside it: a primary key of unmasked integer columns. */
    static boolean readsInKeyOrder(TableSchema table) {
        if (table.primaryKey().isEmpty()) {
            return false;
        }
        for (String name : table.primaryKey()) {
            TableSchema.Column column = column(table, name);
            if (column == null || column.masked() || !INTEGER_TYPES.contains(column.dataType())) {
                return false;
            }
        }
        return true;
    }

    /** The row's primary key as integers, when the table is read in key order; else null. */
    static List<BigInteger> orderedKey(TableSchema table, List<JsonNode> values) {
        if (!readsInKeyOrder(table)) {
            return null;
        }
        List<BigInteger> key = new ArrayList<>(table.primaryKey().size());
        for (String name : table.primaryKey()) {
            JsonNode value = values.get(table.columns().indexOf(column(table, name)));
            if (value.isIntegralNumber()) {
                key.add(value.bigIntegerValue());
            } else if (value.isTextual() && value.asText().matches("-?[0-9]+")) {
                key.add(new BigInteger(value.asText())); // BIGINT UNSIGNED travels as a string of digits
            } else {
                return null;
            }
        }
        return key;
    }

    private static TableSchema.Column column(TableSchema table, String name) {
        for (TableSchema.Column column : table.columns()) {
            if (column.name().equals(name)) {
                return column;
            }
        }
        return null;
    }

    static int compareKeys(List<BigInteger> a, List<BigInteger> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    ObjectNode toJson() {
        ObjectNode node = NODES.objectNode();
        ArrayNode list = node.putArray("segments");
        segments.forEach(segment -> list.add(segment.toJson()));
        if (next != null) {
            node.set("next", next.toJson());
        }
        return node;
    }

    static SnapshotProgress fromJson(JsonNode node) {
        List<Segment> segments = new ArrayList<>();
        node.get("segments").forEach(segment -> segments.add(Segment.fromJson(segment)));
        return new SnapshotProgress(segments, node.hasNonNull("next") ? Boundary.fromJson(node.get("next")) : null);
    }
}
