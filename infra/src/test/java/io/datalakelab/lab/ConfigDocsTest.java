package io.datalakelab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    @Test
    void theReadmeListsEveryConfigKeyAsDeclared() throws Exception {
        assertThat(Files.readString(Path.of("README.md"))).contains(LabConfig.SPEC.describeAsMarkdown());
    }
}
