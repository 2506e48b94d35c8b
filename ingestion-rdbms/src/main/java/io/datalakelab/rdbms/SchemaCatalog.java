package io.datalakelab.rdbms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schemas of the captured tables, read from {@code information_schema}. Row events name their table
 * (through the table map event) but not their columns, so each value is matched to the column at its position
 * here. After a DDL statement in the binlog the affected table is read again, so events that follow decode
 * with the new columns.
 */
public final class SchemaCatalog {

    private final CdcConfig config;
    private final Map<String, TableSchema> tables = new ConcurrentHashMap<>();

    public SchemaCatalog(CdcConfig config) {
        this.config = config;
    }

    /** Every captured base table, read now. */
    public List<TableSchema> loadAll(Connection connection) throws SQLException {
        List<String[]> names = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY 1, 2");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                if (config.captures(rows.getString(1), rows.getString(2))) {
                    names.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
        }
        List<TableSchema> out = new ArrayList<>();
        for (String[] name : names) {
            reload(connection, name[0], name[1]).ifPresent(out::add);
        }
        return out;
    }

    public Optional<TableSchema> get(String database, String table) {
        return Optional.ofNullable(tables.get(database + "." + table));
    }

    /** Reads one table's schema again (it may have been altered, created, or dropped: then it is forgotten). */
    public Optional<TableSchema> reload(Connection connection, String database, String table) throws SQLException {
        List<TableSchema.Column> columns = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME "
                + "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            query.setString(1, database);
            query.setString(2, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String qualified = database + "." + table + "." + rows.getString(1);
                    columns.add(TableSchema.Column.fromInformationSchema(rows.getString(1), rows.getString(2).toLowerCase(java.util.Locale.ROOT),
                            rows.getString(3).toLowerCase(java.util.Locale.ROOT), rows.getString(4),
                            config.columnsExclude().contains(qualified), config.columnsMask().contains(qualified)));
                }
            }
        }
        if (columns.isEmpty()) {
            tables.remove(database + "." + table);
            return Optional.empty();
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
            query.setString(1, database);
            query.setString(2, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    key.add(rows.getString(1));
                }
            }
        }
        TableSchema schema = new TableSchema(database, table, List.copyOf(columns), List.copyOf(key));
        tables.put(schema.qualifiedName(), schema);
        return Optional.of(schema);
    }
}
