package io.datalakelab.iot.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    @Test
    void theReadmeListsEveryConfigKeyAsDeclared() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains(SimulatorConfig.SPEC.describeAsMarkdown());
        assertThat(readme).contains(io.datalakelab.iot.speed.SpeedLayerConfig.SPEC.describeAsMarkdown());
        assertThat(readme).contains(io.datalakelab.iot.mqtt.MqttBridgeConfig.SPEC.describeAsMarkdown());
    }
}
