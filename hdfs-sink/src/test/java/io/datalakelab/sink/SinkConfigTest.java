package io.datalakelab.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SinkConfigTest {

    @Test
    void defaultsMatchTheDocumentedContract() {
        SinkConfig config = SinkConfig.from(SinkConfig.SPEC.load(null, Map.of(), List.of()));
        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.topics()).containsExactly("iot.sensor-readings");
        assertThat(config.hdfsRoot()).isEqualTo("/datalake/raw");
        assertThat(config.rotateInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.timeZone().getId()).isEqualTo("UTC");
    }

    @Test
    void aTopicsRegexNeverMatchesADeadLetterTopic() {
        SinkConfig config = SinkConfig.from(SinkConfig.SPEC.load(null, Map.of(), List.of("topics.regex=rdbms\\.shop\\..*")));
        java.util.regex.Pattern pattern = config.topicsRegex().orElseThrow();

        assertThat(pattern.matcher("rdbms.shop.inventory.orders").matches()).isTrue();
        assertThat(pattern.matcher("rdbms.shop.offsets").matches()).isTrue();
        assertThat(pattern.matcher("rdbms.shop.inventory.orders.dlq").matches()).isFalse();
        assertThat(pattern.matcher("rdbms.shop.offsets.dlq.dlq").matches()).isFalse();
        assertThat(pattern.matcher("rdbms.other.inventory.orders").matches()).isFalse();
    }

    @Test
    void aNegativeFlushSizeFailsNamingTheKeyAndTheRule() {
        assertThatThrownBy(() -> SinkConfig.SPEC.load(null, Map.of(), List.of("flush.records=-5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("flush.records").hasMessageContaining("-5").hasMessageContaining(">= 1");
    }

    @Test
    void anUnknownTimeZoneFailsNamingTheKey() {
        assertThatThrownBy(() -> SinkConfig.SPEC.load(null, Map.of("SINK_PARTITION_TIME_ZONE", "Mars/Olympus"), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partition.time.zone").hasMessageContaining("SINK_PARTITION_TIME_ZONE");
    }

    @Test
    void settingsTheExactlyOnceGuaranteeRestsOnCannotBeOverridden() {
        assertThatThrownBy(() -> SinkConfig.from(SinkConfig.SPEC.load(null, Map.of(), List.of("kafka.consumer.auto.offset.reset=earliest"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.consumer.auto.offset.reset").hasMessageContaining("never skipped");
    }

    @Test
    void theValueSchemaIsAShippedNameOrAnAvscFileAndAnythingElseFailsNamingTheKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertThat(SinkConfig.from(SinkConfig.SPEC.load(null, Map.of(), List.of("value.schema=change-event"))).valueSchema().getName())
                .isEqualTo("ChangeEvent");
        java.nio.file.Path avsc = java.nio.file.Files.writeString(dir.resolve("order.avsc"),
                "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}");
        SinkConfig fromFile = SinkConfig.from(SinkConfig.SPEC.load(null, Map.of(), List.of("value.schema=" + avsc, "format=parquet")));
        assertThat(fromFile.fileFormat().schema().getName()).isEqualTo("Order");
        assertThat(fromFile.fileFormat().compression()).as("auto means snappy for parquet").isEqualTo(io.datalakelab.sink.format.Compression.SNAPPY);

        assertThatThrownBy(() -> SinkConfig.from(SinkConfig.SPEC.load(null, Map.of(), List.of("value.schema=sensor-readings"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("value.schema").hasMessageContaining("sensor-reading, change-event");
        java.nio.file.Path broken = java.nio.file.Files.writeString(dir.resolve("broken.avsc"), "{\"type\":\"record\"}");
        assertThatThrownBy(() -> SinkConfig.from(SinkConfig.SPEC.load(null, Map.of(), List.of("value.schema=" + broken))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("value.schema").hasMessageContaining("not an Avro schema");
    }

    @Test
    void theCommandExitsWithTwoAndNamesTheMisspeltKey() {
        StringWriter err = new StringWriter();
        CommandLine cli = Commands.commandLine(new HdfsSinkCommand());
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("--set", "flush.record=10");
        assertThat(exit).isEqualTo(Commands.BAD_USAGE);
        assertThat(err.toString()).contains("flush.record").contains("Did you mean 'flush.records'");
    }
}
