package io.datalakelab.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigSpecTest {

    private static final Map<String, String> NO_ENVIRONMENT = Map.of();

    @TempDir
    Path dir;

    private final ConfigSpec spec = new ConfigSpec("hdfs-sink", "SINK_");
    private final ConfigKey<Integer> flushRecords = spec.define(ConfigKey.of("flush.records", ConfigType.INT, 1000,
            ConfigRule.atLeast(1), "Records written before a file is closed."));
    private final ConfigKey<Duration> flushInterval = spec.define(ConfigKey.of("flush.interval", ConfigType.DURATION,
            Duration.ofMinutes(2), ConfigRule.positiveDuration(), "Longest time a file stays open."));
    private final ConfigKey<String> topic = spec.define(ConfigKey.of("topic", ConfigType.STRING, "iot.sensor-readings",
            ConfigRule.nonBlank(), "Topic to read."));

    @Test
    void defaultsApplyWhenNothingIsSet() {
        ConfigValues values = spec.load(null, Map.of("PATH", "/usr/bin", "HOME", "/root"), List.of());

        assertThat(values.get(flushRecords)).isEqualTo(1000);
        assertThat(values.get(flushInterval)).isEqualTo(Duration.ofMinutes(2));
        assertThat(values.get(topic)).isEqualTo("iot.sensor-readings");
    }

    @Test
    void environmentOverridesFileAndCommandLineOverridesBoth() throws IOException {
        Path file = propertiesFile("flush.records=10", "flush.interval=5s", "topic=from-file");
        Map<String, String> environment = Map.of("SINK_FLUSH_RECORDS", "20", "SINK_FLUSH_INTERVAL", "7s");

        ConfigValues values = spec.load(file, environment, List.of("flush.records=30"));

        assertThat(values.get(topic)).isEqualTo("from-file");
        assertThat(values.get(flushInterval)).isEqualTo(Duration.ofSeconds(7));
        assertThat(values.get(flushRecords)).isEqualTo(30);
    }

    @Test
    void unknownKeyFailsSuggestingTheNearestDeclaredKey() {
        assertThatThrownBy(() -> spec.load(null, NO_ENVIRONMENT, List.of("flush.recods=5")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("flush.recods"))
                .hasMessageContainingAll("'flush.recods'", "command line", "Did you mean 'flush.records'?");
    }

    @Test
    void misspeltEnvironmentVariableWithThePrefixFailsSuggestingTheNearestVariable() {
        assertThatThrownBy(() -> spec.load(null, Map.of("SINK_FLUSH_RECODS", "5"), List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("SINK_FLUSH_RECODS"))
                .hasMessageContainingAll("'SINK_FLUSH_RECODS'", "environment", "Did you mean 'SINK_FLUSH_RECORDS'?");
    }

    @Test
    void unparsableValueFailsNamingKeyValueOriginAndWhatIsAllowed() {
        assertThatThrownBy(() -> spec.load(null, Map.of("SINK_FLUSH_RECORDS", "abc"), List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("flush.records"))
                .hasMessageContainingAll("'flush.records'", "'abc'", "environment SINK_FLUSH_RECORDS", "integer");
    }

    @Test
    void valueBreakingTheKeysRuleFailsNamingKeyValueOriginAndWhatIsAllowed() throws IOException {
        Path file = propertiesFile("flush.records=0");

        assertThatThrownBy(() -> spec.load(file, NO_ENVIRONMENT, List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("flush.records"))
                .hasMessageContainingAll("'flush.records'", "'0'", "file " + file, ">= 1");
    }

    @Test
    void missingRequiredKeyFailsNamingTheKey() {
        ConfigSpec withRequired = new ConfigSpec("hdfs-sink", "SINK_");
        withRequired.define(ConfigKey.required("hdfs.url", ConfigType.STRING, ConfigRule.nonBlank(), "HDFS to write to."));

        assertThatThrownBy(() -> withRequired.load(null, NO_ENVIRONMENT, List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("hdfs.url"))
                .hasMessageContainingAll("'hdfs.url'", "required", "SINK_HDFS_URL");
    }

    @Test
    void passThroughKeysAreHandedOnWithThePrefixRemoved() throws IOException {
        spec.passThrough("kafka.");
        Path file = propertiesFile("kafka.linger.ms=5");

        ConfigValues values = spec.load(file, NO_ENVIRONMENT, List.of("kafka.bootstrap.servers=broker:9092"));

        assertThat(values.withPrefix("kafka.")).containsOnly(
                entry("linger.ms", "5"),
                entry("bootstrap.servers", "broker:9092"));
    }

    @Test
    void undeclaredKeyOutsideThePassThroughPrefixIsStillRejected() {
        spec.passThrough("kafka.");

        assertThatThrownBy(() -> spec.load(null, NO_ENVIRONMENT, List.of("linger.ms=5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll("'linger.ms'", "kafka.");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "500ms, PT0.5S",
            "5s,    PT5S",
            "2m,    PT2M",
            "168h,  PT168H",
            "7d,    PT168H",
            "PT5S,  PT5S",
    })
    void durationsParseWithUnitSuffixOrIso8601(String text, Duration expected) {
        ConfigValues values = spec.load(null, NO_ENVIRONMENT, List.of("flush.interval=" + text));

        assertThat(values.get(flushInterval)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5w", "ms", "five seconds"})
    void malformedDurationFailsNamingTheKey(String text) {
        assertThatThrownBy(() -> spec.load(null, NO_ENVIRONMENT, List.of("flush.interval=" + text)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("flush.interval"))
                .hasMessageContainingAll("'" + text + "'", "duration");
    }

    @Test
    void markdownDescriptionListsEveryKeyWithItsDefault() {
        String markdown = spec.describeAsMarkdown();

        assertThat(markdown).contains(
                "| `flush.records` | `1000` |",
                "| `flush.interval` | `2m` |",
                "| `topic` | `iot.sensor-readings` |");
        assertThat(markdown.lines().filter(line -> line.startsWith("| `"))).hasSize(spec.keys().size());
    }

    private Path propertiesFile(String... lines) throws IOException {
        return Files.write(dir.resolve("sink.properties"), List.of(lines));
    }
}
