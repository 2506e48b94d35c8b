package io.datalakelab.rdbms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CdcConfigTest {

    private static CdcConfig config(String... settings) {
        return CdcConfig.from(CdcConfig.SPEC.load(null, Map.of(), List.of(settings)));
    }

    @Test
    void systemSchemasAreNeverCapturedAndIncludeExcludeListsNarrowTheRest() {
        CdcConfig all = config();
        assertThat(all.captures("shop", "orders")).isTrue();
        assertThat(all.captures("mysql", "user")).isFalse();
        assertThat(all.captures("information_schema", "TABLES")).isFalse();
        CdcConfig narrowed = config("databases.include=shop,crm", "tables.include=shop\\..*,crm\\.customers", "tables.exclude=shop\\.audit_.*");
        assertThat(narrowed.captures("shop", "orders")).isTrue();
        assertThat(narrowed.captures("shop", "audit_2026")).isFalse();
        assertThat(narrowed.captures("crm", "leads")).isFalse();
        assertThat(narrowed.captures("billing", "invoices")).isFalse();
        assertThat(narrowed.offsetsTopic()).isEqualTo("rdbms.lab.offsets");
    }

    @Test
    void aBadRegularExpressionOrServerNameFailsNamingTheKey() {
        assertThatThrownBy(() -> config("tables.exclude=shop\\.(")).isInstanceOf(ConfigException.class).hasMessageContaining("tables.exclude");
        assertThatThrownBy(() -> config("server.name=my server")).isInstanceOf(ConfigException.class).hasMessageContaining("server.name");
    }

    @Test
    void enumAndSetMembersAreReadFromTheColumnTypeQuotesIncluded() {
        TableSchema.Column column = TableSchema.Column.fromInformationSchema("e", "enum", "enum('new','it''s paid','a,b')", "utf8mb4", false, false);
        assertThat(column.members()).containsExactly("new", "it's paid", "a,b");
        assertThat(TableSchema.Column.fromInformationSchema("n", "int", "int(10) unsigned", null, false, false).unsigned()).isTrue();
    }

    @Test
    void theReadmeListsEveryConfigKeyAsDeclared() throws Exception {
        assertThat(Files.readString(Path.of("README.md"))).contains(CdcConfig.SPEC.describeAsMarkdown());
    }
}
