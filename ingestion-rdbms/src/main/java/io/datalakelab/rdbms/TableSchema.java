package io.datalakelab.rdbms;

import java.util.List;

/**
 * A captured table as the binlog needs it: columns in ordinal order (row events carry values by position
 * only) with their SQL types, and the primary key, which becomes the Kafka record key.
 */
public record TableSchema(String database, String table, List<Column> columns, List<String> primaryKey) {

    /** One column; {@code columnType} is the full type, e.g. {@code int(10) unsigned} or {@code enum('a','b')}. */
    public record Column(String name, String dataType, String columnType, String charset, boolean excluded, boolean masked) {

        public boolean unsigned() {
            return columnType.contains("unsigned");
        }

        /** The members of an ENUM or SET column, in declaration order. */
        public List<String> members() {
            int open = columnType.indexOf('(');
            int close = columnType.lastIndexOf(')');
            if (open < 0 || close < open) {
                return List.of();
            }
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
            return out;
        }
    }

    public String qualifiedName() {
        return database + "." + table;
    }
}
