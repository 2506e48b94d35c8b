package io.datalakelab.rdbms;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Table schemas read from the binlog itself. With {@code binlog_row_metadata=FULL} (MySQL 8.0.1+, MariaDB 10.5+)
 * the table map event that precedes every row event carries the names, types, signedness, character sets,
 * ENUM/SET members and primary key of the table <em>as it was when the row was written</em>. Decoding from it
 * needs no schema history: a row written before an {@code ALTER} decodes with the old columns however late it is
 * read (a restart from an older position, a capture that lags), which {@code information_schema}, describing only
 * the table of now, cannot do.
 *
 * <p>The optional metadata lists each property for a subset of the columns, in column order: signedness for the
 * numeric columns, character sets for the character columns, members for the ENUM and the SET columns. Those
 * subsets are the server's ({@code is_numeric_type}, {@code is_character_type} in its {@code log_event.cc}); the
 * binlog library counts YEAR as numeric where the servers do not, so signedness is re-aligned here.
 */
final class BinlogTableSchemas {

    // Column type codes of the binlog (include/mysql_com.h enum_field_types).
    private static final int DECIMAL = 0;
    private static final int TINY = 1;
    private static final int SHORT = 2;
    private static final int LONG = 3;
    private static final int FLOAT = 4;
    private static final int DOUBLE = 5;
    private static final int TIMESTAMP = 7;
    private static final int LONGLONG = 8;
    private static final int INT24 = 9;
    private static final int DATE = 10;
    private static final int TIME = 11;
    private static final int DATETIME = 12;
    private static final int YEAR = 13;
    private static final int NEWDATE = 14;
    private static final int VARCHAR = 15;
    private static final int BIT = 16;
    private static final int TIMESTAMP2 = 17;
    private static final int DATETIME2 = 18;
    private static final int TIME2 = 19;
    private static final int JSON = 245;
    private static final int NEWDECIMAL = 246;
    private static final int ENUM = 247;
    private static final int SET = 248;
    private static final int TINY_BLOB = 249;
    private static final int MEDIUM_BLOB = 250;
    private static final int LONG_BLOB = 251;
    private static final int BLOB = 252;
    private static final int VAR_STRING = 253;
    private static final int STRING = 254;
    private static final int GEOMETRY = 255;

    private static final int BINARY_COLLATION = 63;

    private final CdcConfig config;
    private final Map<Integer, String> charsetOfCollation;
    /** MariaDB lists GEOMETRY among the character columns (its base class is BLOB there); MySQL does not. */
    private final boolean geometryIsCharacter;
    private final Map<Long, Cached> byTableId = new HashMap<>();

    /** The last schema built for a table id, with what it was built from (ids are reused after a server restart). */
    private record Cached(byte[] types, int[] metadata, List<String> names, TableSchema schema) {
    }

    BinlogTableSchemas(CdcConfig config, Map<Integer, String> charsetOfCollation, boolean mariaDb) {
        this.config = config;
        this.geometryIsCharacter = mariaDb;
        this.charsetOfCollation = Map.copyOf(charsetOfCollation);
    }

    /** Every collation id of the server with its character set, for the ids that table map events carry. */
    static Map<Integer, String> loadCollations(Connection connection) throws SQLException {
        Map<Integer, String> out = new HashMap<>();
        try (Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE ID IS NOT NULL")) {
            while (rows.next()) {
                out.put(rows.getInt(1), rows.getString(2));
            }
        }
        // MariaDB 10.10+ gives the same collation to several character sets under their own ids, listed here only.
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(
                "SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY WHERE ID IS NOT NULL")) {
            while (rows.next()) {
                out.putIfAbsent(rows.getInt(1), rows.getString(2));
            }
        } catch (SQLException e) {
            // MySQL and older MariaDB have no ID there: COLLATIONS already named every id.
        }
        out.put(BINARY_COLLATION, "binary");
        return out;
    }

    /** The table as the event describes it, or empty when the event carries no column names (binlog_row_metadata is not FULL). */
    Optional<TableSchema> schemaOf(TableMapEventData map) {
        TableMapEventMetadata metadata = map.getEventMetadata();
        if (metadata == null || metadata.getColumnNames() == null || metadata.getColumnNames().size() != map.getColumnTypes().length) {
            return Optional.empty();
        }
        Cached cached = byTableId.get(map.getTableId());
        if (cached != null && Arrays.equals(cached.types(), map.getColumnTypes()) && Arrays.equals(cached.metadata(), map.getColumnMetadata())
                && cached.names().equals(metadata.getColumnNames()) && cached.schema().database().equals(map.getDatabase())
                && cached.schema().table().equals(map.getTable())) {
            return Optional.of(cached.schema());
        }
        TableSchema schema = build(map, metadata);
        byTableId.put(map.getTableId(), new Cached(map.getColumnTypes(), map.getColumnMetadata(), List.copyOf(metadata.getColumnNames()), schema));
        return Optional.of(schema);
    }

    private TableSchema build(TableMapEventData map, TableMapEventMetadata metadata) {
        byte[] types = map.getColumnTypes();
        int[] meta = map.getColumnMetadata();
        List<String> names = metadata.getColumnNames();
        BitSet unsigned = unsignedColumns(types, metadata.getSignedness());
        List<Integer> collations = characterColumnCollations(types, meta, metadata);
        List<String[]> enumMembers = metadata.getEnumStrValues() == null ? List.of() : metadata.getEnumStrValues();
        List<String[]> setMembers = metadata.getSetStrValues() == null ? List.of() : metadata.getSetStrValues();
        int character = 0;
        int enums = 0;
        int sets = 0;
        List<TableSchema.Column> columns = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++) {
            int type = realType(types[i] & 0xFF, meta[i]);
            String charset = null;
            List<String> members = List.of();
            if (isCharacter(type)) {
                Integer collation = character < collations.size() ? collations.get(character) : null;
                character++;
                charset = collation == null ? "utf8mb4" : charsetOfCollation.getOrDefault(collation, "utf8mb4");
            } else if (type == ENUM) {
                members = enums < enumMembers.size() ? List.of(enumMembers.get(enums)) : List.of();
                enums++;
            } else if (type == SET) {
                members = sets < setMembers.size() ? List.of(setMembers.get(sets)) : List.of();
                sets++;
            }
            String qualified = map.getDatabase() + "." + map.getTable() + "." + names.get(i);
            columns.add(new TableSchema.Column(names.get(i), dataType(type, charset), unsigned.get(i), charset, members,
                    config.columnsExclude().contains(qualified), config.columnsMask().contains(qualified)));
        }
        List<String> key = new ArrayList<>();
        if (metadata.getSimplePrimaryKeys() != null) {
            metadata.getSimplePrimaryKeys().forEach(index -> key.add(names.get(index)));
        } else if (metadata.getPrimaryKeysWithPrefix() != null) {
            metadata.getPrimaryKeysWithPrefix().keySet().forEach(index -> key.add(names.get(index)));
        }
        return new TableSchema(map.getDatabase(), map.getTable(), List.copyOf(columns), List.copyOf(key));
    }

    /**
     * A STRING column's real type hides in its metadata: ENUM, SET, or a CHAR longer than 255 bytes
     * (the same reading as the server's {@code log_event_print_value}).
     */
    private static int realType(int type, int meta) {
        if (type != STRING || meta < 256) {
            return type;
        }
        int byte0 = meta >> 8;
        return (byte0 & 0x30) != 0x30 ? byte0 | 0x30 : byte0;
    }

    private static boolean isServerNumeric(int type) {
        return type == TINY || type == SHORT || type == INT24 || type == LONG || type == LONGLONG || type == NEWDECIMAL
                || type == FLOAT || type == DOUBLE;
    }

    private boolean isCharacter(int type) {
        return type == STRING || type == VAR_STRING || type == VARCHAR || type == BLOB || type == TINY_BLOB || type == MEDIUM_BLOB
                || type == LONG_BLOB || type == GEOMETRY && geometryIsCharacter;
    }

    /**
     * Which columns are UNSIGNED. The library spread the signedness bits over the columns it thinks numeric (YEAR
     * included); the server wrote one bit per numeric column without YEAR. Taking the bits back in the library's
     * order and giving them to the server's numeric columns puts each bit on its column.
     */
    private static BitSet unsignedColumns(byte[] types, BitSet spread) {
        BitSet out = new BitSet();
        if (spread == null) {
            return out;
        }
        List<Boolean> bits = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            int type = types[i] & 0xFF;
            if (isServerNumeric(type) || type == YEAR) {
                bits.add(spread.get(i));
            }
        }
        int next = 0;
        for (int i = 0; i < types.length; i++) {
            if (isServerNumeric(types[i] & 0xFF)) {
                if (next < bits.size() && bits.get(next)) {
                    out.set(i);
                }
                next++;
            }
        }
        return out;
    }

    /** The collation of each character column in column order, from DEFAULT_CHARSET (default plus exceptions) or COLUMN_CHARSET. */
    private List<Integer> characterColumnCollations(byte[] types, int[] meta, TableMapEventMetadata metadata) {
        if (metadata.getColumnCharsets() != null) {
            return metadata.getColumnCharsets();
        }
        List<Integer> out = new ArrayList<>();
        TableMapEventMetadata.DefaultCharset defaults = metadata.getDefaultCharset();
        if (defaults == null) {
            return out;
        }
        Map<Integer, Integer> exceptions = defaults.getCharsetCollations() == null ? Map.of() : defaults.getCharsetCollations();
        int character = 0;
        for (int i = 0; i < types.length; i++) {
            if (isCharacter(realType(types[i] & 0xFF, meta[i]))) {
                out.add(exceptions.getOrDefault(character, defaults.getDefaultCharsetCollation()));
                character++;
            }
        }
        return out;
    }

    /** The information_schema DATA_TYPE name that {@link ColumnValues} decodes by. */
    private static String dataType(int type, String charset) {
        boolean binary = "binary".equalsIgnoreCase(charset);
        return switch (type) {
            case TINY -> "tinyint";
            case SHORT -> "smallint";
            case INT24 -> "mediumint";
            case LONG -> "int";
            case LONGLONG -> "bigint";
            case DECIMAL, NEWDECIMAL -> "decimal";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case YEAR -> "year";
            case BIT -> "bit";
            case DATE, NEWDATE -> "date";
            case TIME, TIME2 -> "time";
            case DATETIME, DATETIME2 -> "datetime";
            case TIMESTAMP, TIMESTAMP2 -> "timestamp";
            case JSON -> "json";
            case ENUM -> "enum";
            case SET -> "set";
            case VARCHAR, VAR_STRING -> binary ? "varbinary" : "varchar";
            case STRING -> binary ? "binary" : "char";
            case TINY_BLOB, MEDIUM_BLOB, LONG_BLOB, BLOB -> binary ? "blob" : "text";
            case GEOMETRY -> "geometry";
            default -> "unknown(" + type + ")";
        };
    }
}
