package io.datalakelab.flume.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AgentConfigFileTest {

    private static final Path CONF = Path.of("..", "conf");
    private static final Map<String, String> LAB_ENVIRONMENT = Map.of("FLUME_DATA_DIR", "/tmp/flume", "HDFS_URI", "hdfs://localhost:9000",
            "FLUME_LOG_FILES", "/tmp/logs/.*\\.log");

    static Stream<String[]> shippedAgents() {
        return Stream.of(new String[] {"readings-collector.conf", "collector"}, new String[] {"kafka-to-hdfs.conf", "lake"},
                new String[] {"logs-to-kafka.conf", "logs"});
    }

    @ParameterizedTest
    @MethodSource("shippedAgents")
    void shippedConfigurationsPassFlumesOwnChecks(String file, String agent) {
        AgentConfigFile config = AgentConfigFile.read(CONF.resolve(file));
        Map<String, String> resolved = config.resolve(LAB_ENVIRONMENT::get);

        config.check(agent, resolved);

        assertThat(resolved.values()).noneMatch(v -> v.contains("${env:"));
    }

    @Test
    void defaultsApplyAndSetVariablesWin() {
        AgentConfigFile config = AgentConfigFile.read(CONF.resolve("readings-collector.conf"));

        Map<String, String> defaults = config.resolve(LAB_ENVIRONMENT::get);
        Map<String, String> set = config.resolve(name -> name.equals("FLUME_AVRO_PORT") ? "24141" : LAB_ENVIRONMENT.get(name));

        assertThat(defaults).containsEntry("collector.sources.avro.port", "4141")
                .containsEntry("collector.channels.durable.dataDirs", "/tmp/flume/data");
        assertThat(set).containsEntry("collector.sources.avro.port", "24141");
    }

    @Test
    void unsetVariableWithoutDefaultNamesTheKeyAndTheVariable() {
        AgentConfigFile config = AgentConfigFile.read(CONF.resolve("kafka-to-hdfs.conf"));

        assertThatThrownBy(() -> config.resolve(name -> name.equals("FLUME_DATA_DIR") ? "/tmp/flume" : null))
                .isInstanceOf(InvalidAgentConfigException.class)
                .hasMessageContaining("lake.sinks.hdfs-1.hdfs.path needs environment variable HDFS_URI");
    }

    @Test
    void componentFlumeWouldDropIsNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.conf");
        Files.writeString(file, """
                a.sources = s
                a.channels = c
                a.sinks = k
                a.sources.s.type = seq
                a.sources.s.channels = c
                a.channels.c.type = memory
                a.sinks.k.type = logger
                a.sinks.k.channel = missing
                """);
        AgentConfigFile config = AgentConfigFile.read(file);

        assertThatThrownBy(() -> config.check("a", config.resolve(name -> null)))
                .isInstanceOf(InvalidAgentConfigException.class)
                .hasMessageContaining("sink 'k'");
    }

    @Test
    void unknownAgentNameIsNamed() {
        AgentConfigFile config = AgentConfigFile.read(CONF.resolve("logs-to-kafka.conf"));

        assertThatThrownBy(() -> config.check("logz", config.resolve(LAB_ENVIRONMENT::get)))
                .isInstanceOf(InvalidAgentConfigException.class)
                .hasMessageContaining("no agent 'logz'");
    }
}
