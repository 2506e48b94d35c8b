package io.datalakelab.rdbms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.config.ConfigException;
import io.datalakelab.core.config.ConfigValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PollingConfigTest {

    private static ConfigValues values(String... settings) {
        return CdcConfig.SPEC.load(null, Map.of(), List.of(settings));
    }

    private static PollingConfig polling(String... settings) {
        return PollingConfig.from(values(settings));
    }

    @Test
    void theBinlogIsTheDefaultAndPollingIsSelectedByCaptureMode() {
        assertThat(PollingConfig.selected(values())).isFalse();
        assertThat(PollingConfig.selected(values("capture.mode=polling"))).isTrue();
        PollingConfig defaults = polling();
        assertThat(defaults.mode()).isEqualTo(PollingMode.TIMESTAMP_INCREMENTING);
        assertThat(defaults.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.timestampDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.batchRows()).isEqualTo(1000);
        assertThat(defaults.timestampColumnOf("shop.orders")).isEmpty();
        assertThat(defaults.incrementingColumnOf("shop.orders")).as("empty: the AUTO_INCREMENT column").isEmpty();
    }

    @Test
    void perTableEntriesOverrideTheDefaultsAndNameTheirKey() {
        PollingConfig config = polling("polling.mode=timestamp", "polling.timestamp.column=updated_at",
                "polling.table.mode=shop.events:incrementing, shop.orders:timestamp_incrementing",
                "polling.table.timestamp.column=shop.orders.changed", "polling.table.incrementing.column=shop.events.seq",
                "polling.timestamp.delay=0ms");
        assertThat(config.modeOf("shop.events")).isEqualTo(PollingMode.INCREMENTING);
        assertThat(config.modeOf("shop.orders")).isEqualTo(PollingMode.TIMESTAMP_INCREMENTING);
        assertThat(config.modeOf("shop.items")).isEqualTo(PollingMode.TIMESTAMP);
        assertThat(config.modeKeyOf("shop.items")).isEqualTo("polling.mode");
        assertThat(config.timestampColumnOf("shop.orders")).contains(new PollingConfig.ChosenColumn("changed", "polling.table.timestamp.column"));
        assertThat(config.timestampColumnOf("shop.items")).contains(new PollingConfig.ChosenColumn("updated_at", "polling.timestamp.column"));
        assertThat(config.incrementingColumnOf("shop.events")).contains(new PollingConfig.ChosenColumn("seq", "polling.table.incrementing.column"));
        assertThat(config.timestampDelay()).isZero();
        assertThat(config.namedTables()).containsOnlyKeys("shop.events", "shop.orders");
        assertThat(PollingMode.CONFIG_TYPE.format(PollingMode.TIMESTAMP_INCREMENTING)).isEqualTo("timestamp+incrementing");
    }

    @Test
    void malformedPollingValuesFailNamingTheKey() {
        assertThatThrownBy(() -> polling("polling.mode=timestamps")).isInstanceOf(ConfigException.class).hasMessageContaining("polling.mode")
                .hasMessageContaining("incrementing|timestamp|timestamp+incrementing");
        assertThatThrownBy(() -> polling("polling.table.mode=orders:timestamp")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("polling.table.mode").hasMessageContaining("db.table:mode");
        assertThatThrownBy(() -> polling("polling.table.mode=shop.orders:sometimes")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("polling.table.mode").hasMessageContaining("names no mode");
        assertThatThrownBy(() -> polling("polling.table.timestamp.column=orders.updated_at")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("polling.table.timestamp.column").hasMessageContaining("db.table.column");
        assertThatThrownBy(() -> polling("polling.table.incrementing.column=shop.orders.id,shop.orders.seq")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("polling.table.incrementing.column").hasMessageContaining("twice");
        assertThatThrownBy(() -> polling("polling.batch.rows=0")).isInstanceOf(ConfigException.class).hasMessageContaining("polling.batch.rows");
        assertThatThrownBy(() -> polling("capture.mode=poll")).isInstanceOf(ConfigException.class).hasMessageContaining("binlog|polling");
    }

    private static TableSchema orders() {
        return new TableSchema("shop", "orders", List.of(
                TableSchema.Column.fromInformationSchema("id", "bigint", "bigint(20)", null, false, false),
                TableSchema.Column.fromInformationSchema("updated_at", "timestamp", "timestamp(6)", null, false, false),
                TableSchema.Column.fromInformationSchema("changed", "datetime", "datetime", null, false, false)), List.of("id"));
    }

    private static PolledTable table(PollingMode mode, String timestampColumn, String dataType) {
        return new PolledTable(orders(), mode, new PolledTable.OffsetColumn(timestampColumn, dataType, "polling.timestamp.column"),
                new PolledTable.OffsetColumn("id", "bigint", "polling.incrementing.column"), Duration.ofSeconds(5));
    }

    @Test
    void theQueriesTakeSettledRowsAfterTheOffsetInOffsetOrderByTheDatabasesClock() {
        String select = "SELECT t.*, DATE_FORMAT(t.`updated_at`, '%Y-%m-%d %H:%i:%s.%f'), CAST(t.`id` AS CHAR), UNIX_TIMESTAMP(NOW(6)) "
                + "FROM `shop`.`orders` AS t";
        assertThat(table(PollingMode.TIMESTAMP_INCREMENTING, "updated_at", "timestamp").nextRowsQuery(false, 500)).isEqualTo(select
                + " WHERE t.`updated_at` < NOW(6) - INTERVAL 5000000 MICROSECOND"
                + " AND (t.`updated_at` > ? OR (t.`updated_at` = ? AND t.`id` > ?)) ORDER BY t.`updated_at`, t.`id` LIMIT 500");
        assertThat(table(PollingMode.TIMESTAMP_INCREMENTING, "updated_at", "timestamp").nextRowsQuery(true, 500)).isEqualTo(select
                + " WHERE t.`updated_at` < NOW(6) - INTERVAL 5000000 MICROSECOND ORDER BY t.`updated_at`, t.`id` LIMIT 500");
        assertThat(table(PollingMode.INCREMENTING, "updated_at", "timestamp").nextRowsQuery(false, 10)).isEqualTo(
                "SELECT t.*, CAST(t.`id` AS CHAR), UNIX_TIMESTAMP(NOW(6)) FROM `shop`.`orders` AS t WHERE t.`id` > ? ORDER BY t.`id` LIMIT 10");
        // A DATETIME holds what writers' NOW() gave in the server's time zone, not the session's UTC.
        assertThat(table(PollingMode.TIMESTAMP, "changed", "datetime").nextRowsQuery(false, 10)).endsWith(
                " WHERE t.`changed` < CONVERT_TZ(NOW(6), @@session.time_zone, @@global.time_zone) - INTERVAL 5000000 MICROSECOND"
                        + " AND t.`changed` > ? ORDER BY t.`changed` LIMIT 10");
    }

    @Test
    void anOffsetKeepsItsModeAndColumnsAndAChangedConfigurationIsNotAccepted() {
        PollingOffset offset = new PollingOffset(PollingMode.TIMESTAMP_INCREMENTING, "updated_at", "2026-11-23 10:15:30.123456", "id",
                "18446744073709551615");
        assertThat(PollingOffset.fromJson(offset.toJson())).isEqualTo(offset);
        assertThat(table(PollingMode.TIMESTAMP_INCREMENTING, "updated_at", "timestamp").accepts(offset)).isTrue();
        assertThat(table(PollingMode.TIMESTAMP_INCREMENTING, "changed", "datetime").accepts(offset)).isFalse();
        assertThat(table(PollingMode.INCREMENTING, "updated_at", "timestamp").accepts(offset)).isFalse();
        assertThatThrownBy(() -> new PollingOffset(PollingMode.INCREMENTING, null, null, "id", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new String(PollingOffsets.key("lab", "shop", "orders"), java.nio.charset.StandardCharsets.UTF_8))
                .as("never the binlog position's key, the bare server name")
                .isEqualTo("{\"server\":\"lab\",\"capture\":\"polling\",\"db\":\"shop\",\"table\":\"orders\"}");
    }
}
