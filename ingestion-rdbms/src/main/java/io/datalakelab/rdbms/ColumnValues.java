package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.BitSet;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;

/**
 * Column values as JSON, the same whether they come from a binlog row event or from a snapshot query:
 *
 * <ul>
 *   <li>integers (signed or unsigned), YEAR and BIT: numbers; BIGINT UNSIGNED: a string of digits (it may not fit a long)</li>
 *   <li>DECIMAL: a string, exact ({@code "12.50"}); FLOAT, DOUBLE: numbers</li>
 *   <li>DATE {@code "2026-11-23"}, TIME {@code "10:15:30.5"}, DATETIME {@code "2026-11-23T10:15:30"} (no zone, as
 *       stored), TIMESTAMP {@code "2026-11-23T10:15:30Z"} (UTC)</li>
 *   <li>CHAR, VARCHAR, TEXT, JSON (text of the document), ENUM (the member), SET (members joined by commas): strings</li>
 *   <li>BINARY, VARBINARY, BLOB, GEOMETRY: base64 strings; NULL: null</li>
 * </ul>
 */
public final class ColumnValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String MASK = "****";

    private ColumnValues() {
    }

    /** A value of a binlog row event (deserialized with CHAR_AND_BINARY_AS_BYTE_ARRAY and DATE_AND_TIME_AS_LONG_MICRO). */
    public static JsonNode fromBinlog(TableSchema.Column column, Serializable value) throws IOException {
        if (value == null) {
            return NODES.nullNode();
        }
        if (column.masked()) {
            return NODES.textNode(MASK);
        }
        switch (column.dataType()) {
            case "tinyint", "smallint", "mediumint", "int", "integer" -> {
                long v = ((Number) value).longValue();
                if (column.unsigned() && v < 0) {
                    v += switch (column.dataType()) {
                        case "tinyint" -> 1L << 8;
                        case "smallint" -> 1L << 16;
                        case "mediumint" -> 1L << 24;
                        default -> 1L << 32;
                    };
                }
                return NODES.numberNode(v);
            }
            case "bigint" -> {
                long v = ((Number) value).longValue();
                return column.unsigned() ? NODES.textNode(Long.toUnsignedString(v)) : NODES.numberNode(v);
            }
            case "decimal", "numeric" -> {
                return NODES.textNode(((BigDecimal) value).toPlainString());
            }
            case "float" -> {
                return NODES.numberNode(((Number) value).floatValue());
            }
            case "double", "real" -> {
                return NODES.numberNode(((Number) value).doubleValue());
            }
            case "year" -> {
                return NODES.numberNode(((Number) value).intValue());
            }
            case "bit" -> {
                BitSet bits = (BitSet) value;
                return NODES.numberNode(bits.isEmpty() ? 0L : bits.toLongArray()[0]);
            }
            case "date" -> {
                return NODES.textNode(LocalDate.ofEpochDay(Math.floorDiv((Long) value, 86_400_000_000L)).toString());
            }
            case "time" -> {
                return NODES.textNode(time((Long) value));
            }
            case "datetime" -> {
                return NODES.textNode(dateTime(LocalDateTime.ofEpochSecond(Math.floorDiv((Long) value, 1_000_000L),
                        (int) Math.floorMod((Long) value, 1_000_000L) * 1000, ZoneOffset.UTC)));
            }
            case "timestamp" -> {
                long micros = (Long) value;
                return NODES.textNode(instant(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000)));
            }
            case "enum" -> {
                int index = ((Number) value).intValue();
                List<String> members = column.members();
                return NODES.textNode(index >= 1 && index <= members.size() ? members.get(index - 1) : "");
            }
            case "set" -> {
                long mask = ((Number) value).longValue();
                List<String> members = column.members();
                StringJoiner joined = new StringJoiner(",");
                for (int i = 0; i < members.size(); i++) {
                    if ((mask & (1L << i)) != 0) {
                        joined.add(members.get(i));
                    }
                }
                return NODES.textNode(joined.toString());
            }
            case "json" -> {
                return NODES.textNode(compactJson(JsonBinary.parseAsString((byte[]) value)));
            }
            default -> {
                if (value instanceof byte[] bytes) {
                    return isText(column) ? NODES.textNode(new String(bytes, charset(column))) : NODES.textNode(Base64.getEncoder().encodeToString(bytes));
                }
                return NODES.textNode(value.toString());
            }
        }
    }

    /** The same column read by a snapshot query (session time zone UTC). */
    public static JsonNode fromResultSet(TableSchema.Column column, ResultSet row, int index) throws SQLException {
        Object probe = row.getObject(index);
        if (probe == null) {
            return NODES.nullNode();
        }
        if (column.masked()) {
            return NODES.textNode(MASK);
        }
        return switch (column.dataType()) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "year" -> NODES.numberNode(row.getLong(index));
            case "bigint" -> column.unsigned() ? NODES.textNode(row.getString(index)) : NODES.numberNode(row.getLong(index));
            case "decimal", "numeric" -> NODES.textNode(row.getBigDecimal(index).toPlainString());
            case "float" -> NODES.numberNode(row.getFloat(index));
            case "double", "real" -> NODES.numberNode(row.getDouble(index));
            case "bit" -> {
                long v = 0;
                for (byte b : row.getBytes(index)) {
                    v = (v << 8) | (b & 0xFF);
                }
                yield NODES.numberNode(v);
            }
            case "date" -> NODES.textNode(row.getObject(index, LocalDate.class).toString());
            case "time" -> NODES.textNode(trimFraction(row.getString(index)));
            case "datetime" -> NODES.textNode(dateTime(row.getObject(index, LocalDateTime.class)));
            case "timestamp" -> NODES.textNode(instant(row.getObject(index, LocalDateTime.class).toInstant(ZoneOffset.UTC)));
            case "enum", "set" -> NODES.textNode(row.getString(index));
            case "json" -> {
                try {
                    yield NODES.textNode(compactJson(row.getString(index)));
                } catch (IOException e) {
                    throw new SQLException("column " + column.name() + " holds no JSON document", e);
                }
            }
            default -> isText(column) ? NODES.textNode(row.getString(index))
                    : NODES.textNode(Base64.getEncoder().encodeToString(row.getBytes(index)));
        };
    }

    /**
     * MySQL's JSON type in one text form: its binlog carries binary JSON, which decodes without spaces, while a
     * query returns {@code {"k": [1, 2]}}; both become Jackson's compact form. (MariaDB's JSON is LONGTEXT, kept as written.)
     */
    private static String compactJson(String document) throws IOException {
        return JSON.readTree(document).toString();
    }

    private static boolean isText(TableSchema.Column column) {
        return column.charset() != null && !column.charset().equalsIgnoreCase("binary");
    }

    private static Charset charset(TableSchema.Column column) {
        String name = column.charset().toLowerCase(java.util.Locale.ROOT);
        if (name.startsWith("utf8")) {
            return StandardCharsets.UTF_8;
        }
        if (name.equals("latin1")) {
            return Charset.forName("windows-1252");
        }
        if (name.equals("ascii")) {
            return StandardCharsets.US_ASCII;
        }
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** A TIME value: hours may exceed 24 (MySQL allows up to 838). */
    private static String time(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        long fraction = Math.floorMod(micros, 1_000_000L);
        String text = String.format("%02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
        return fraction == 0 ? text : trimFraction(text + "." + String.format("%06d", fraction));
    }

    private static String dateTime(LocalDateTime value) {
        String text = value.toLocalDate() + "T" + value.toLocalTime().withNano(0);
        if (value.getSecond() == 0) {
            text += ":00"; // LocalTime prints HH:mm when seconds are zero; keep one shape
        }
        return value.getNano() == 0 ? text : trimFraction(text + "." + String.format("%09d", value.getNano()));
    }

    private static String instant(Instant value) {
        return dateTime(LocalDateTime.ofInstant(value, ZoneOffset.UTC)) + "Z";
    }

    private static String trimFraction(String text) {
        if (!text.contains(".")) {
            return text;
        }
        int end = text.length();
        while (text.charAt(end - 1) == '0') {
            end--;
        }
        if (text.charAt(end - 1) == '.') {
            end--;
        }
        return text.substring(0, end);
    }

}
