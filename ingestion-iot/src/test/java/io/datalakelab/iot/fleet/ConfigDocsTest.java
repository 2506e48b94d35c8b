package io.datalakelab.iot.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    @Test
    void theReadmeListsEveryConfigKeyAsDeclared() throws Exception {
        assertThat(Files.readString(Path.of("README.md"))).contains(SimulatorConfig.SPEC.describeAsMarkdown());
    }
}
