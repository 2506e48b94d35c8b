package io.datalakelab.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the cluster opens, and to whom: SSH and the web UIs to admin_cidr_blocks only, the cluster's own ports only
 * between members of its security group, never an address block written into a rule.
 */
class SecurityGroupTest {

    private static final Set<Integer> ADMIN_PORTS = ports(List.of(22, 9870, 9864, 8443), IntStream.rangeClosed(8081, 8085));
    private static final Set<Integer> CLUSTER_PORTS = ports(List.of(9092, 9093, 8020, 9866, 9864, 9867, 3306), IntStream.rangeClosed(8081, 8085));

    private static final List<String> ADDRESS_ATTRIBUTES = List.of("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6", "prefix_list_ids");

    /** An ingress rule, wherever it is written, with the ports it opens. */
    private record Ingress(String where, JsonNode rule, Set<Integer> ports) {
        boolean fromAddresses() {
            return ADDRESS_ATTRIBUTES.stream().anyMatch(rule::has);
        }
    }

    private static TerraformModule awsCluster;
    private static List<Ingress> ingress;

    @BeforeAll
    static void readTheRules() throws Exception {
        awsCluster = TerraformTree.get().module(TerraformTree.DIR.resolve("modules/aws-cluster"));
        ingress = new ArrayList<>();
        for (TerraformModule module : TerraformTree.get().allModules()) {
            ingress.addAll(ingressRules(module));
        }
    }

    @Test
    void addressRulesTakeTheirBlocksFromTheAdminVariableOnly() {
        List<Ingress> fromAddresses = ingress.stream().filter(Ingress::fromAddresses).toList();

        assertThat(fromAddresses).as("ingress rules from address blocks").isNotEmpty();
        for (Ingress rule : fromAddresses) {
            assertThat(rule.rule().path("cidr_blocks").asText()).as(rule.where()).isEqualTo("${var.admin_cidr_blocks}");
            assertThat(rule.rule().has("ipv6_cidr_blocks") || rule.rule().has("cidr_ipv4") || rule.rule().has("cidr_ipv6")
                    || rule.rule().has("prefix_list_ids")).as(rule.where() + " opens other address blocks").isFalse();
        }
    }

    @Test
    void adminNetworksReachSshAndTheWebUisOnly() {
        Set<Integer> opened = new TreeSet<>();
        ingress.stream().filter(Ingress::fromAddresses).forEach(rule -> opened.addAll(rule.ports()));

        assertThat(opened).isEqualTo(ADMIN_PORTS);
    }

    @Test
    void clusterPortsAreOpenOnlyBetweenMembersOfTheGroup() {
        Set<Integer> opened = new TreeSet<>();
        for (Ingress rule : ingress.stream().filter(rule -> !rule.fromAddresses()).toList()) {
            boolean self = rule.rule().path("self").asBoolean(false)
                    || rule.rule().path("referenced_security_group_id").asText().equals("${aws_security_group.cluster.id}");
            assertThat(self).as(rule.where() + " admits members of the group only").isTrue();
            opened.addAll(rule.ports());
        }

        assertThat(opened).isEqualTo(CLUSTER_PORTS);
    }

    @Test
    void adminVariableIsRequiredAndRefusesTheWholeInternetUnlessAllowed() {
        JsonNode admin = awsCluster.variables().get("admin_cidr_blocks");
        JsonNode allow = awsCluster.variables().get("allow_public_admin_access");

        assertThat(awsCluster.isRequired("admin_cidr_blocks")).as("admin_cidr_blocks has no default").isTrue();
        assertThat(admin.path("type").asText()).isEqualTo("${list(string)}");
        assertThat(allow.path("type").asText()).isEqualTo("${bool}");
        assertThat(allow.path("default").isBoolean() && !allow.path("default").asBoolean()).as("allow_public_admin_access defaults to false").isTrue();

        List<String> conditions = new ArrayList<>();
        admin.path("validation").forEach(validation -> conditions.add(TerraformModule.expression(validation.get("condition"))));
        assertThat(conditions).as("each block is a valid IPv4 CIDR").anySatisfy(condition ->
                assertThat(condition).contains("cidrhost(block, 0)").contains("alltrue"));
        // A /0 prefix is the whole internet: refused unless the escape hatch is set.
        assertThat(conditions).as("a /0 block is refused unless allow_public_admin_access").anySatisfy(condition ->
                assertThat(condition).startsWith("var.allow_public_admin_access ||").contains("split(\"/\", block)[1]) > 0"));
    }

    @Test
    void outboundTrafficAndTheDefaultRouteUseTheAnywhereConstant() {
        JsonNode group = awsCluster.resources().get("aws_security_group").get("cluster");
        JsonNode routeTable = awsCluster.resources().get("aws_route_table").get("public");

        assertThat(group.path("egress")).hasSize(1);
        assertThat(group.path("egress").get(0).path("cidr_blocks").get(0).asText()).isEqualTo("${local.anywhere_ipv4}");
        assertThat(routeTable.path("route").get(0).path("cidr_block").asText()).isEqualTo("${local.anywhere_ipv4}");
        assertThat(routeTable.path("route").get(0).path("gateway_id").asText()).isEqualTo("${aws_internet_gateway.this.id}");
    }

    @Test
    void everyNodeIsInTheClusterGroup() {
        Map<String, JsonNode> instances = awsCluster.resources().get("aws_instance");

        assertThat(instances).containsOnlyKeys("master", "worker");
        instances.forEach((name, instance) -> assertThat(instance.path("vpc_security_group_ids").toString())
                .as(name).isEqualTo("[\"${aws_security_group.cluster.id}\"]"));
    }

    /** Inline and dynamic ingress blocks of aws_security_group, and ingress rules as resources of their own. */
    private static List<Ingress> ingressRules(TerraformModule module) {
        List<Ingress> rules = new ArrayList<>();
        module.resources().getOrDefault("aws_security_group", Map.of()).forEach((name, group) -> {
            String where = module.name() + " aws_security_group." + name;
            group.path("ingress").forEach(rule -> rules.add(new Ingress(where + " ingress", rule, literalPorts(rule))));
            group.path("dynamic").path("ingress").forEach(dynamic -> {
                JsonNode content = dynamic.path("content").get(0);
                rules.add(new Ingress(where + " dynamic ingress over " + dynamic.path("for_each").asText(), content,
                        portsOfLocal(module, dynamic.path("for_each"), content)));
            });
        });
        module.resources().getOrDefault("aws_vpc_security_group_ingress_rule", Map.of()).forEach((name, rule) ->
                rules.add(new Ingress(module.name() + " aws_vpc_security_group_ingress_rule." + name, rule, literalPorts(rule))));
        module.resources().getOrDefault("aws_security_group_rule", Map.of()).forEach((name, rule) -> {
            if (rule.path("type").asText().equals("ingress")) {
                rules.add(new Ingress(module.name() + " aws_security_group_rule." + name, rule, literalPorts(rule)));
            }
        });
        return rules;
    }

    private static Set<Integer> literalPorts(JsonNode rule) {
        if (!rule.path("from_port").isInt() || !rule.path("to_port").isInt()) {
            throw new AssertionError("ports of " + rule + " are not literal numbers");
        }
        return ports(List.of(), IntStream.rangeClosed(rule.path("from_port").asInt(), rule.path("to_port").asInt()));
    }

    /** A dynamic block over a local map of {from, to} ranges, whose content reads ingress.value.from/to. */
    private static Set<Integer> portsOfLocal(TerraformModule module, JsonNode forEach, JsonNode content) {
        String expression = TerraformModule.expression(forEach);
        assertThat(expression).as("for_each of a dynamic ingress block").startsWith("local.");
        assertThat(content.path("from_port").asText()).isEqualTo("${ingress.value.from}");
        assertThat(content.path("to_port").asText()).isEqualTo("${ingress.value.to}");
        JsonNode ranges = module.locals().get(expression.substring("local.".length()));
        assertThat(ranges).as(expression).isNotNull();
        Set<Integer> ports = new TreeSet<>();
        ranges.forEach(range -> IntStream.rangeClosed(range.path("from").asInt(), range.path("to").asInt()).forEach(ports::add));
        return ports;
    }

    private static Set<Integer> ports(List<Integer> single, IntStream ranges) {
        Set<Integer> ports = new TreeSet<>(single);
        ranges.forEach(ports::add);
        return ports;
    }
}
