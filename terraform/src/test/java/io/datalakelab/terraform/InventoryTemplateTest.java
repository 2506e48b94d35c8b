package io.datalakelab.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inventory is the contract with the Ansible side: group master with one host, group workers with worker-1..N,
 * each host with ansible_host, private_ip and kafka_node_id, and all.vars.ansible_user.
 */
class InventoryTemplateTest {

    private static final Path INVENTORY_MODULE = TerraformTree.DIR.resolve("modules/inventory");
    private static final Path TEMPLATE = INVENTORY_MODULE.resolve("inventory.yml.tftpl");
    private static final Path ANSIBLE = TerraformTree.DIR.resolveSibling("ansible");

    /** Ansible's implicit groups and hosts, which need no inventory entry. */
    private static final Set<String> IMPLICIT = Set.of("all", "ungrouped", "localhost");

    private static final YAMLMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    @Test
    void rendersTheContractForOneMasterAndTwoWorkers() throws IOException {
        String rendered = render(2, "class-lab");

        assertThat(rendered).isEqualTo("""
                # Rendered by terraform (modules/inventory): the data-lake cluster's nodes.
                all:
                  vars:
                    ansible_user: admin
                    datalake_cluster_name: class-lab
                  children:
                    master:
                      hosts:
                        master:
                          ansible_host: 203.0.113.10
                          private_ip: 10.20.1.10
                          kafka_node_id: 1
                    workers:
                      hosts:
                        worker-1:
                          ansible_host: 203.0.113.11
                          private_ip: 10.20.1.11
                          kafka_node_id: 2
                        worker-2:
                          ansible_host: 203.0.113.12
                          private_ip: 10.20.1.12
                          kafka_node_id: 3
                """);
    }

    @ParameterizedTest(name = "1 master, {0} workers")
    @ValueSource(ints = {2, 3})
    void renderedInventoryIsYamlWithOneMasterAndNWorkers(int workers) throws IOException {
        JsonNode inventory = YAML.readTree(render(workers, "lab"));

        assertThat(fieldNames(inventory)).containsExactly("all");
        JsonNode all = inventory.path("all");
        assertThat(fieldNames(all)).containsExactly("vars", "children");
        assertThat(all.path("vars").path("ansible_user").asText()).isEqualTo("admin");
        assertThat(all.path("vars").path("datalake_cluster_name").asText()).isEqualTo("lab");
        assertThat(fieldNames(all.path("children"))).containsExactly("master", "workers");

        JsonNode masterHosts = all.path("children").path("master").path("hosts");
        JsonNode workerHosts = all.path("children").path("workers").path("hosts");
        assertThat(fieldNames(masterHosts)).containsExactly("master");
        assertThat(fieldNames(workerHosts)).containsExactlyElementsOf(IntStream.rangeClosed(1, workers).mapToObj(n -> "worker-" + n).toList());

        List<Integer> nodeIds = new ArrayList<>();
        Set<String> privateIps = new HashSet<>();
        for (JsonNode hosts : List.of(masterHosts, workerHosts)) {
            hosts.properties().forEach(host -> {
                assertThat(fieldNames(host.getValue())).as(host.getKey()).containsExactly("ansible_host", "private_ip", "kafka_node_id");
                assertThat(host.getValue().path("kafka_node_id").isInt()).as(host.getKey() + " kafka_node_id is a number").isTrue();
                assertThat(host.getValue().path("ansible_host").asText()).as(host.getKey()).isNotBlank();
                nodeIds.add(host.getValue().path("kafka_node_id").asInt());
                privateIps.add(host.getValue().path("private_ip").asText());
            });
        }
        assertThat(masterHosts.path("master").path("kafka_node_id").asInt()).isEqualTo(1);
        assertThat(nodeIds).doesNotHaveDuplicates().containsExactlyElementsOf(IntStream.rangeClosed(1, workers + 1).boxed().toList());
        assertThat(privateIps).hasSize(workers + 1);
    }

    @Test
    void templateReadsExactlyWhatTheInventoryModulePasses() throws Exception {
        String passed = TerraformModule.expression(
                TerraformTree.get().module(INVENTORY_MODULE).outputs().get("content").get("value"));
        Set<String> passedNames = new TreeSet<>();
        Matcher key = Pattern.compile("(?m)^\\s*(\\w+)\\s*=").matcher(passed.substring(passed.indexOf(", {")));
        while (key.find()) {
            passedNames.add(key.group(1));
        }

        assertThat(passed).startsWith("templatefile(\"${path.module}/inventory.yml.tftpl\"");
        assertThat(TemplateRenderer.variablesRead(Files.readString(TEMPLATE))).isEqualTo(passedNames);
    }

    @Test
    void inventoryModuleNamesAndNumbersNodesAsTheTestsAssume() throws Exception {
        // model() below mirrors these locals of modules/inventory/main.tf; no terraform binary evaluates them here.
        JsonNode locals = TerraformTree.get().module(INVENTORY_MODULE).locals();

        assertThat(locals.path("master").asText()).isEqualTo("${merge(var.master, { kafka_node_id = 1 })}");
        assertThat(locals.path("workers").asText().replaceAll("\\s+", " "))
                .isEqualTo("${[ for i, worker in var.workers : merge(worker, { name = \"worker-${i + 1}\", kafka_node_id = i + 2 }) ]}");
    }

    @Test
    void bothClusterModulesCallTheInventoryModuleTheSameWay() throws Exception {
        TerraformTree tree = TerraformTree.get();
        List<JsonNode> calls = Stream.of("modules/aws-cluster", "modules/local-vms")
                .map(dir -> tree.module(TerraformTree.DIR.resolve(dir)).moduleCalls().get("inventory"))
                .toList();

        for (JsonNode call : calls) {
            assertThat(call.path("source").asText()).isEqualTo("../inventory");
            assertThat(TerraformModule.callArguments(call)).containsExactlyInAnyOrder("ansible_user", "cluster_name", "master", "workers");
            assertThat(call.path("ansible_user").asText()).isEqualTo("${var.ssh_user}");
            assertThat(call.path("cluster_name").asText()).isEqualTo("${var.cluster_name}");
        }
        // On EC2 Ansible connects on the public address, or the private one when a node has none.
        assertThat(calls.get(0).path("master").path("ansible_host").asText())
                .isEqualTo("${coalesce(aws_instance.master.public_ip, aws_instance.master.private_ip)}");
        assertThat(calls.get(0).path("workers").asText()).contains("ansible_host = coalesce(worker.public_ip, worker.private_ip)");
        assertThat(calls.get(1).path("master").path("ansible_host").asText()).isEqualTo("${local.nodes[\"master\"].address}");
    }

    @Test
    void everyGroupTheAnsiblePlaybooksTargetIsInTheInventory() throws IOException {
        assumeTrue(Files.isRegularFile(ANSIBLE.resolve("site.yml")),
                "ansible/site.yml does not exist yet (the Ansible side is written separately); nothing to check against");
        JsonNode inventory = YAML.readTree(render(3, "lab"));
        Set<String> known = new TreeSet<>(IMPLICIT);
        collectGroupsAndHosts(inventory.path("all"), known);

        Set<String> targeted = new TreeSet<>();
        List<Path> playbooks;
        try (Stream<Path> files = Files.list(ANSIBLE)) {
            playbooks = files.filter(file -> file.getFileName().toString().endsWith(".yml")).sorted().toList();
        }
        for (Path playbook : playbooks) {
            JsonNode plays = YAML.readTree(playbook.toFile());
            if (plays == null || !plays.isArray()) {
                continue;
            }
            for (JsonNode play : plays) {
                hostPatterns(play.get("hosts")).forEach(targeted::add);
            }
        }

        assertThat(targeted).as("groups the playbooks target").isNotEmpty();
        assertThat(known).containsAll(targeted);
    }

    /** The rendered inventory of a cluster with documentation addresses: 203.0.113.x public, 10.20.1.x private. */
    static String render(int workers, String clusterName) throws IOException {
        return TemplateRenderer.render(Files.readString(TEMPLATE), model(workers, clusterName));
    }

    /** What modules/inventory passes to templatefile(), computed as its locals compute it. */
    private static Map<String, Object> model(int workers, String clusterName) {
        List<Map<String, Object>> workerList = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            workerList.add(Map.of("ansible_host", "203.0.113." + (11 + i), "private_ip", "10.20.1." + (11 + i),
                    "name", "worker-" + (i + 1), "kafka_node_id", i + 2));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("ansible_user", "admin");
        model.put("cluster_name", clusterName);
        model.put("master", Map.of("ansible_host", "203.0.113.10", "private_ip", "10.20.1.10", "kafka_node_id", 1));
        model.put("workers", workerList);
        return model;
    }

    private static void collectGroupsAndHosts(JsonNode group, Set<String> names) {
        group.path("hosts").fieldNames().forEachRemaining(names::add);
        group.path("children").properties().forEach(child -> {
            names.add(child.getKey());
            collectGroupsAndHosts(child.getValue(), names);
        });
    }

    /** The group and host names of a play's hosts: a list, or a pattern such as "master:workers" or "all:!workers". */
    private static List<String> hostPatterns(JsonNode hosts) {
        if (hosts == null || hosts.isNull()) {
            return List.of();
        }
        List<String> patterns = new ArrayList<>();
        if (hosts.isArray()) {
            hosts.forEach(host -> patterns.add(host.asText()));
        } else {
            patterns.addAll(List.of(hosts.asText().split("[:,]")));
        }
        return patterns.stream()
                .map(String::strip)
                .map(pattern -> pattern.replaceFirst("^[!&]", ""))
                .filter(pattern -> !pattern.isEmpty() && !pattern.contains("{{") && !pattern.contains("*"))
                .toList();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
