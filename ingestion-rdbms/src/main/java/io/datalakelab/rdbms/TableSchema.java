package io.datalakelab.rdbms;

import java.util.List;

/**
 * A captured table as the binlog needs it: columns in ordinal order (row events carry values by position
 * only) with their SQL types, and the primary key, which becomes the Kafka record key. Built from
 * {@code information_schema} ({@link SchemaCatalog}) or from the binlog's own table map events
 * ({@link BinlogTableSchemas}).
 */
public record TableSchema(String database, String table, List<Column> columns, List<String> primaryKey) {

    /**
     * One column: its SQL data type as {@code information_schema.COLUMNS.DATA_TYPE} names it ({@code int},
     * {@code varchar}, {@code enum}, ...), whether an integer type is unsigned, its character set ({@code binary}
     * or null for byte and non-text columns), and an ENUM's or SET's members in declaration order.
     */
    public record Column(String name, String dataType, boolean unsigned, String charset, List<String> members, boolean excluded,
                         boolean masked) {

        /** A column as {@code information_schema.COLUMNS} describes it; {@code columnType} is e.g. {@code int(10) unsigned}. */
        public static Column fromInformationSchema(String name, String dataType, String columnType, String charset, boolean excluded,
                                                   boolean masked) {
            return new Column(name, dataType, columnType.contains("unsigned"), charset, membersOf(columnType), excluded, masked);
        }

        private static List<String> membersOf(String columnType) {
            if (!columnType.startsWith("enum(") && !columnType.startsWith("set(")) {
                return List.of();
            }
            int open = columnType.indexOf('(');
            int close = columnType.lastIndexOf(')');
            List<String> out = new java.util.ArrayList<>();
            String inner = columnType.substring(open + 1, close);
            StringBuilder current = null;
            for (int i = 0; i < inner.length(); i++) {
                char c = inner.charAt(i);
                if (current == null) {
                    if (c == '\'') {
                        current = new StringBuilder();
                    }
                } else if (c == '\'' && i + 1 < inner.length() && inner.charAt(i + 1) == '\'') {
                    current.append('\'');
                    i++;
                } else if (c == '\'') {
                    out.add(current.toString());
                    current = null;
                } else {
                    current.append(c);
                }
            }
            return List.copyOf(out);
        }
    }

    public String qualifiedName() {
        return database + "." + table;
    }
}
