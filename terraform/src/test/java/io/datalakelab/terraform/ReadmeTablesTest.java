package io.datalakelab.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * terraform/README.md documents every module's variables (name, type, default, description) and outputs in tables
 * under "### modules/&lt;name&gt;": they must say what the .tf files say.
 */
class ReadmeTablesTest {

    private static final Path README = TerraformTree.DIR.resolve("README.md");

    @ParameterizedTest(name = "modules/{0}")
    @ValueSource(strings = {"aws-cluster", "local-vms", "inventory"})
    void variableTableMatchesTheModulesVariables(String name) throws Exception {
        TerraformModule module = TerraformTree.get().module(TerraformTree.DIR.resolve("modules").resolve(name));
        Map<String, List<String>> declared = new TreeMap<>();
        module.variables().forEach((variable, block) -> declared.put(variable, List.of(
                variable,
                TerraformModule.expression(block.get("type")).replaceAll("\\s+", " ").strip(),
                block.has("default") ? block.get("default").toString() : "required",
                block.path("description").asText())));

        assertThat(table(name, "variable")).isEqualTo(declared);
    }

    @ParameterizedTest(name = "modules/{0}")
    @ValueSource(strings = {"aws-cluster", "local-vms", "inventory"})
    void outputTableMatchesTheModulesOutputs(String name) throws Exception {
        TerraformModule module = TerraformTree.get().module(TerraformTree.DIR.resolve("modules").resolve(name));
        Map<String, List<String>> declared = new TreeMap<>();
        module.outputs().forEach((output, block) -> declared.put(output, List.of(output, block.path("description").asText())));

        assertThat(table(name, "output")).isEqualTo(declared);
    }

    @Test
    void everyModuleHasItsSectionInTheReadme() throws IOException {
        String readme = Files.readString(README);

        for (Path module : TerraformTree.moduleDirs()) {
            assertThat(readme).contains("\n### modules/" + module.getFileName() + "\n");
        }
    }

    /** The rows (by first cell) of the table whose header starts with {@code first} in the module's section. */
    private static Map<String, List<String>> table(String module, String first) throws IOException {
        List<String> lines = Files.readAllLines(README);
        int start = lines.indexOf("### modules/" + module);
        assertThat(start).as("README section ### modules/" + module).isNotNegative();
        Map<String, List<String>> rows = new TreeMap<>();
        boolean inTable = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("#")) {
                break;
            }
            if (!line.startsWith("|")) {
                inTable = false;
                continue;
            }
            List<String> cells = cells(line);
            if (cells.get(0).equals(first)) {
                inTable = true;
            } else if (inTable && !cells.get(0).startsWith("---")) {
                rows.put(cells.get(0), cells);
            }
        }
        return rows;
    }

    /** A row's cells: code spans unwrapped, escaped pipes restored. */
    private static List<String> cells(String row) {
        String inner = row.strip();
        inner = inner.substring(1, inner.length() - 1);
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            String text = cell.strip().replace("\\|", "|");
            if (text.length() >= 2 && text.startsWith("`") && text.endsWith("`")) {
                text = text.substring(1, text.length() - 1);
            }
            cells.add(text);
        }
        return cells;
    }
}
