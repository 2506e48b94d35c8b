package io.datalakelab.rdbms;

import io.datalakelab.core.config.ConfigException;
import io.datalakelab.core.config.ConfigKey;
import io.datalakelab.core.config.ConfigValues;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The polling mode's settings, read from the same {@link CdcConfig#SPEC} values as {@link CdcConfig} (the keys
 * are declared there, once): the default mode and columns, the per-table ones, and the pace of polling.
 *
 * @param tableModes              per-table modes by {@code db.table}
 * @param tableTimestampColumns   per-table timestamp columns by {@code db.table}
 * @param tableIncrementingColumns per-table incrementing columns by {@code db.table}
 * @param incrementingColumn      the default incrementing column; empty means each table's AUTO_INCREMENT column
 */
public record PollingConfig(PollingMode mode, String timestampColumn, String incrementingColumn, Map<String, PollingMode> tableModes,
                            Map<String, String> tableTimestampColumns, Map<String, String> tableIncrementingColumns,
                            Duration interval, int batchRows, Duration timestampDelay) {

    /** A column chosen for a table, with the config key that chose it (error messages name it). */
    public record ChosenColumn(String name, String key) {
    }

    public static PollingConfig from(ConfigValues values) {
        return new PollingConfig(values.get(CdcConfig.POLLING_MODE), values.get(CdcConfig.POLLING_TIMESTAMP_COLUMN).trim(),
                values.get(CdcConfig.POLLING_INCREMENTING_COLUMN).trim(), tableModes(values.get(CdcConfig.POLLING_TABLE_MODE)),
                tableColumns(CdcConfig.POLLING_TABLE_TIMESTAMP_COLUMN, values.get(CdcConfig.POLLING_TABLE_TIMESTAMP_COLUMN)),
                tableColumns(CdcConfig.POLLING_TABLE_INCREMENTING_COLUMN, values.get(CdcConfig.POLLING_TABLE_INCREMENTING_COLUMN)),
                values.get(CdcConfig.POLLING_INTERVAL), values.get(CdcConfig.POLLING_BATCH_ROWS), values.get(CdcConfig.POLLING_TIMESTAMP_DELAY));
    }

    /** Whether {@code values} select the polling mode. */
    public static boolean selected(ConfigValues values) {
        return values.get(CdcConfig.CAPTURE_MODE) == CaptureMode.POLLING;
    }

    /** The mode of {@code db.table}. */
    public PollingMode modeOf(String qualifiedTable) {
        return tableModes.getOrDefault(qualifiedTable, mode);
    }

    /** The config key that sets the mode of {@code db.table}. */
    public String modeKeyOf(String qualifiedTable) {
        return tableModes.containsKey(qualifiedTable) ? CdcConfig.POLLING_TABLE_MODE.name() : CdcConfig.POLLING_MODE.name();
    }

    /** The configured timestamp column of {@code db.table}, if any. */
    public Optional<ChosenColumn> timestampColumnOf(String qualifiedTable) {
        return chosen(qualifiedTable, tableTimestampColumns, CdcConfig.POLLING_TABLE_TIMESTAMP_COLUMN, timestampColumn,
                CdcConfig.POLLING_TIMESTAMP_COLUMN);
    }

    /** The configured incrementing column of {@code db.table}; empty means its AUTO_INCREMENT column. */
    public Optional<ChosenColumn> incrementingColumnOf(String qualifiedTable) {
        return chosen(qualifiedTable, tableIncrementingColumns, CdcConfig.POLLING_TABLE_INCREMENTING_COLUMN, incrementingColumn,
                CdcConfig.POLLING_INCREMENTING_COLUMN);
    }

    private static Optional<ChosenColumn> chosen(String table, Map<String, String> perTable, ConfigKey<?> perTableKey, String fallback,
                                                 ConfigKey<?> fallbackKey) {
        if (perTable.containsKey(table)) {
            return Optional.of(new ChosenColumn(perTable.get(table), perTableKey.name()));
        }
        return fallback.isEmpty() ? Optional.empty() : Optional.of(new ChosenColumn(fallback, fallbackKey.name()));
    }

    /** Every {@code db.table} that a per-table key names, with that key: each must be a polled table. */
    public Map<String, String> namedTables() {
        Map<String, String> out = new LinkedHashMap<>();
        tableModes.keySet().forEach(t -> out.putIfAbsent(t, CdcConfig.POLLING_TABLE_MODE.name()));
        tableTimestampColumns.keySet().forEach(t -> out.putIfAbsent(t, CdcConfig.POLLING_TABLE_TIMESTAMP_COLUMN.name()));
        tableIncrementingColumns.keySet().forEach(t -> out.putIfAbsent(t, CdcConfig.POLLING_TABLE_INCREMENTING_COLUMN.name()));
        return out;
    }

    private static Map<String, PollingMode> tableModes(List<String> entries) {
        String key = CdcConfig.POLLING_TABLE_MODE.name();
        Map<String, PollingMode> out = new LinkedHashMap<>();
        for (String entry : entries) {
            int colon = entry.lastIndexOf(':');
            String table = colon < 0 ? "" : entry.substring(0, colon).trim();
            if (table.indexOf('.') <= 0 || table.endsWith(".")) {
                throw new ConfigException(key, "config key '" + key + "': '" + entry + "' is not of the form db.table:mode");
            }
            PollingMode mode;
            try {
                mode = PollingMode.parse(entry.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, "config key '" + key + "': '" + entry + "' names no mode; allowed: "
                        + PollingMode.CONFIG_TYPE.description());
            }
            if (out.put(table, mode) != null) {
                throw new ConfigException(key, "config key '" + key + "' names " + table + " twice");
            }
        }
        return Map.copyOf(out);
    }

    private static Map<String, String> tableColumns(ConfigKey<List<String>> key, List<String> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : entries) {
            int dot = entry.lastIndexOf('.');
            String table = dot < 0 ? "" : entry.substring(0, dot);
            if (table.indexOf('.') <= 0 || table.endsWith(".") || dot == entry.length() - 1) {
                throw new ConfigException(key.name(), "config key '" + key.name() + "': '" + entry + "' is not of the form db.table.column");
            }
            if (out.put(table, entry.substring(dot + 1)) != null) {
                throw new ConfigException(key.name(), "config key '" + key.name() + "' names " + table + " twice");
            }
        }
        return Map.copyOf(out);
    }
}
