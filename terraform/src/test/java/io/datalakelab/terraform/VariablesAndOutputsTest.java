package io.datalakelab.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** As in terraform-aws-modules: every variable is typed and described, every output described. */
class VariablesAndOutputsTest {

    @Test
    void everyVariableHasATypeAndADescription() throws Exception {
        List<String> problems = new ArrayList<>();
        int variables = 0;
        for (TerraformModule module : TerraformTree.get().allModules()) {
            for (var variable : module.variables().entrySet()) {
                variables++;
                String where = module.name() + ": variable " + variable.getKey();
                JsonNode type = variable.getValue().get("type");
                if (type == null || !type.asText().startsWith("${") || TerraformModule.expression(type).isBlank()) {
                    problems.add(where + " has no type");
                }
                if (isBlank(variable.getValue().get("description"))) {
                    problems.add(where + " has no description");
                }
            }
        }

        assertThat(variables).as("variables found").isGreaterThan(40);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyOutputHasADescription() throws Exception {
        List<String> problems = new ArrayList<>();
        int outputs = 0;
        for (TerraformModule module : TerraformTree.get().allModules()) {
            for (var output : module.outputs().entrySet()) {
                outputs++;
                if (isBlank(output.getValue().get("description"))) {
                    problems.add(module.name() + ": output " + output.getKey() + " has no description");
                }
            }
        }

        assertThat(outputs).as("outputs found").isGreaterThan(20);
        assertThat(problems).isEmpty();
    }

    @Test
    void bothClusterModulesGiveTheSameOutputs() throws Exception {
        TerraformTree tree = TerraformTree.get();
        List<String> sameOutputs = List.of("master_public_ip", "master_private_ip", "worker_public_ips", "worker_private_ips",
                "ssh_user", "ansible_inventory", "inventory_file");

        assertThat(tree.module(TerraformTree.DIR.resolve("modules/aws-cluster")).outputs()).containsKeys(sameOutputs.toArray(String[]::new));
        assertThat(tree.module(TerraformTree.DIR.resolve("modules/local-vms")).outputs()).containsKeys(sameOutputs.toArray(String[]::new));
    }

    private static boolean isBlank(JsonNode text) {
        return text == null || !text.isTextual() || text.asText().isBlank();
    }
}
