package io.datalakelab.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file is valid HCL, and every module has the files a reader of terraform-aws-modules looks for. */
class TerraformFilesTest {

    @Test
    void everyTerraformFileParses() throws Exception {
        TerraformTree tree = TerraformTree.get();

        assertThat(tree.terraformFiles).as("the .tf files under modules/ and examples/").hasSizeGreaterThanOrEqualTo(24);
        for (Path file : tree.terraformFiles) {
            JsonNode json = tree.json.get(file);
            assertThat(json != null && json.isObject() && json.size() > 0).as(file + " parses to a non-empty object").isTrue();
        }
    }

    @Test
    void everyExampleHasATfvarsExampleThatParses() throws Exception {
        TerraformTree tree = TerraformTree.get();

        for (Path example : TerraformTree.exampleDirs()) {
            assertThat(tree.tfvarsExample(example)).as(example + "/" + TerraformTree.TFVARS_EXAMPLE).isNotNull().isNotEmpty();
        }
    }

    @Test
    void everyModuleAndExampleHasTheStandardFiles() {
        List<Path> dirs = new ArrayList<>(TerraformTree.moduleDirs());
        dirs.addAll(TerraformTree.exampleDirs());

        assertThat(dirs).extracting(dir -> dir.getFileName().toString())
                .contains("aws-cluster", "local-vms", "inventory", "class-lab", "cluster-3-workers");
        for (Path dir : dirs) {
            for (String file : List.of("main.tf", "variables.tf", "outputs.tf", "versions.tf")) {
                assertThat(dir.resolve(file)).as(dir + "/" + file).isRegularFile();
            }
        }
        for (Path example : TerraformTree.exampleDirs()) {
            assertThat(example.resolve("README.md")).isRegularFile();
        }
    }

    @Test
    void parserRejectsAnUnclosedBlockNamingTheFile(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.tf");
        Files.writeString(broken, "variable \"x\" {\n  type = string\n");

        assertThatThrownBy(() -> new HclParser(TerraformTree.DIR).parse(List.of(broken)))
                .isInstanceOf(HclParser.HclSyntaxError.class)
                .hasMessageContaining("broken.tf")
                .hasMessageContaining("Unclosed configuration block");
    }

    @Test
    void parserGivesBlocksAndExpressionsInTerraformsJsonForm(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sample.tf");
        Files.writeString(file, "variable \"n\" {\n  type    = number\n  default = 2\n}\n");

        Map<Path, JsonNode> parsed = new HclParser(TerraformTree.DIR).parse(List.of(file));

        JsonNode variable = parsed.get(file).path("variable").path("n").get(0);
        assertThat(variable.path("type").asText()).isEqualTo("${number}");
        assertThat(variable.path("default").asInt()).isEqualTo(2);
    }

    @Test
    void modulesLeaveProviderConfigurationToTheirCallers() throws Exception {
        for (TerraformModule module : TerraformTree.get().modules()) {
            assertThat(module.providers()).as(module.name() + " configures no provider").isEmpty();
        }
    }
}
