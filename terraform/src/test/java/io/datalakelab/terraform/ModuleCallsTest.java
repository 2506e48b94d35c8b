package io.datalakelab.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Without terraform init, these are the checks Terraform would make first: calls, required inputs, versions. */
class ModuleCallsTest {

    private static final Pattern AT_LEAST = Pattern.compile(">=\\s*(\\d+)\\.(\\d+)");

    /** A module block and the module it calls. */
    private record Call(TerraformModule caller, String name, JsonNode block, TerraformModule called) {
        String where() {
            return caller.name() + " module." + name;
        }
    }

    private static List<Call> calls() throws Exception {
        TerraformTree tree = TerraformTree.get();
        List<Call> calls = new ArrayList<>();
        for (TerraformModule caller : tree.allModules()) {
            for (var call : caller.moduleCalls().entrySet()) {
                String source = call.getValue().path("source").asText();
                Path dir = caller.dir().resolve(source).normalize();
                assertThat(source).as(caller.name() + " module " + call.getKey() + " source").startsWith("../");
                assertThat(dir).as(caller.name() + " module " + call.getKey() + " source").isDirectory();
                calls.add(new Call(caller, call.getKey(), call.getValue(), tree.module(dir)));
            }
        }
        return calls;
    }

    @Test
    void everyCallPassesOnlyVariablesTheModuleDeclares() throws Exception {
        List<Call> calls = calls();
        List<String> unknown = new ArrayList<>();
        for (Call call : calls) {
            for (String argument : TerraformModule.callArguments(call.block())) {
                if (!call.called().variables().containsKey(argument)) {
                    unknown.add(call.where() + " passes " + argument + ", which " + call.called().name() + " does not declare");
                }
            }
        }

        assertThat(calls).as("module calls: three examples and the two cluster modules' inventory").hasSize(5);
        assertThat(unknown).isEmpty();
    }

    @Test
    void everyCallPassesEveryRequiredVariable() throws Exception {
        List<String> missing = new ArrayList<>();
        for (Call call : calls()) {
            List<String> passed = TerraformModule.callArguments(call.block());
            for (String variable : call.called().variables().keySet()) {
                if (call.called().isRequired(variable) && !passed.contains(variable)) {
                    missing.add(call.where() + " does not pass " + variable + ", which " + call.called().name() + " requires");
                }
            }
        }

        assertThat(missing).isEmpty();
    }

    @Test
    void tfvarsExamplesSetEveryRequiredVariableAndNothingUndeclared() throws Exception {
        TerraformTree tree = TerraformTree.get();
        for (Path dir : TerraformTree.exampleDirs()) {
            TerraformModule example = tree.module(dir);
            TreeSet<String> set = new TreeSet<>();
            tree.tfvarsExample(dir).fieldNames().forEachRemaining(set::add);

            assertThat(example.variables().keySet()).as(example.name() + " declares what its tfvars example sets").containsAll(set);
            for (String variable : example.variables().keySet()) {
                if (example.isRequired(variable)) {
                    assertThat(set).as(example.name() + " tfvars example sets the required " + variable).contains(variable);
                }
            }
        }
    }

    @Test
    void examplesRequireTheTerraformAndProvidersTheirModulesNeed() throws Exception {
        for (Call call : calls().stream().filter(call -> call.caller().dir().getParent().endsWith("examples")).toList()) {
            TerraformModule example = call.caller();
            JsonNode exampleTerraform = example.terraformBlocks().get(0);
            JsonNode moduleTerraform = call.called().terraformBlocks().get(0);

            assertThat(atLeast(exampleTerraform.path("required_version").asText()))
                    .as(example.name() + " required_version covers " + call.called().name() + "'s")
                    .isGreaterThanOrEqualTo(atLeast(moduleTerraform.path("required_version").asText()));
            JsonNode exampleProviders = exampleTerraform.path("required_providers").get(0);
            moduleTerraform.path("required_providers").get(0).properties().forEach(provider -> {
                assertThat(exampleProviders.has(provider.getKey())).as(example.name() + " requires provider " + provider.getKey()).isTrue();
                assertThat(exampleProviders.path(provider.getKey()).path("source").asText())
                        .isEqualTo(provider.getValue().path("source").asText());
            });
            if (exampleProviders.has("aws")) {
                assertThat(exampleProviders.path("aws").path("version").asText()).isEqualTo("~> 5.0");
            }
        }
    }

    @Test
    void awsExamplesMakeTheClustersTheirReadmesPrice() throws Exception {
        Map<String, Integer> workers = Map.of("class-lab", 2, "cluster-3-workers", 3);
        for (var example : workers.entrySet()) {
            Path dir = TerraformTree.DIR.resolve("examples").resolve(example.getKey());
            JsonNode cluster = TerraformTree.get().module(dir).moduleCalls().get("cluster");
            String readme = Files.readString(dir.resolve("README.md"));

            assertThat(cluster.path("source").asText()).isEqualTo("../../modules/aws-cluster");
            assertThat(cluster.path("worker_count").asInt()).isEqualTo(example.getValue());
            assertThat(readme).contains(cluster.path("master_instance_type").asText()).contains(cluster.path("worker_instance_type").asText())
                    .contains("ansible-playbook -i inventory.yml ../../../ansible/site.yml");
            assertThat(cluster.path("inventory_path").asText()).isEqualTo("${path.root}/inventory.yml");
        }
    }

    /** The X.Y of a ">= X.Y" constraint, as a comparable number. */
    private static int atLeast(String constraint) {
        Matcher version = AT_LEAST.matcher(constraint);
        assertThat(version.find()).as("a >= constraint in " + constraint).isTrue();
        return Integer.parseInt(version.group(1)) * 1000 + Integer.parseInt(version.group(2));
    }
}
