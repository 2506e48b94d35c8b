package io.datalakelab.rdbms;

import java.util.List;

/**
 * A captured table as the binlog needs it: columns in ordinal order (row events carry values by position
 * only) with their SQL types, and the primary key, which becomes the Kafka record key.
 */
public record TableSchema(String database, String table, List<Column> columns, List<String> primaryKey) {

    /**
     * One column; {@code columnType} is the full type, e.g. {@code int(10) unsigned} or {@code enum('a','b')};
     * {@code members} are an ENUM's or SET's members in declaration order (read from the type once, not per row).
     */
    public record Column(String name, String dataType, String columnType, String charset, boolean excluded, boolean masked,
                         List<String> members) {

        public Column(String name, String dataType, String columnType, String charset, boolean excluded, boolean masked) {
            this(name, dataType, columnType, charset, excluded, masked, membersOf(columnType));
        }

        public boolean unsigned() {
            return columnType.contains("unsigned");
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
