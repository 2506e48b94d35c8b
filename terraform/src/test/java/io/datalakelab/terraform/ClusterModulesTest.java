package io.datalakelab.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The machines both cluster modules make: what is looked up, what is derived from variables, what is tagged. */
class ClusterModulesTest {

    /** AWS resources that take no tags. */
    private static final List<String> UNTAGGABLE = List.of("aws_route_table_association");

    private static TerraformModule aws;
    private static TerraformModule vms;

    @BeforeAll
    static void readModules() throws Exception {
        aws = TerraformTree.get().module(TerraformTree.DIR.resolve("modules/aws-cluster"));
        vms = TerraformTree.get().module(TerraformTree.DIR.resolve("modules/local-vms"));
    }

    @Test
    void everyTaggableAwsResourceMergesTheTagsVariable() {
        int tagged = 0;
        for (var type : aws.resources().entrySet()) {
            if (!type.getKey().startsWith("aws_") || UNTAGGABLE.contains(type.getKey())) {
                continue;
            }
            for (var resource : type.getValue().entrySet()) {
                String tags = resource.getValue().path("tags").asText();
                assertThat(tags).as(type.getKey() + "." + resource.getKey() + " tags").startsWith("${merge(var.tags, ");
                tagged++;
            }
        }
        for (JsonNode instance : aws.resources().get("aws_instance").values()) {
            assertThat(instance.path("volume_tags").asText()).startsWith("${merge(var.tags, ");
        }

        assertThat(tagged).isGreaterThanOrEqualTo(8);
    }

    @Test
    void debianAmiIsLookedUpUnlessAnAmiIsGiven() {
        JsonNode ami = aws.data().get("aws_ami").get("debian");

        assertThat(ami.path("count").asText()).isEqualTo("${var.ami_id == null ? 1 : 0}");
        assertThat(ami.path("most_recent").asBoolean()).isTrue();
        assertThat(ami.path("owners").get(0).asText()).isEqualTo("${local.debian_ami_owner}");
        assertThat(aws.locals().path("debian_ami_owner").asText()).isEqualTo("136693071363");
        assertThat(ami.path("filter")).anySatisfy(filter -> {
            assertThat(filter.path("name").asText()).isEqualTo("name");
            assertThat(filter.path("values").get(0).asText()).startsWith("debian-12-");
        });
        assertThat(aws.locals().path("ami_id").asText()).isEqualTo("${var.ami_id != null ? var.ami_id : data.aws_ami.debian[0].id}");
        aws.resources().get("aws_instance").values().forEach(instance ->
                assertThat(instance.path("ami").asText()).isEqualTo("${local.ami_id}"));
    }

    @Test
    void awsAssignsTheAddressesAndDisksAreEncryptedGp3() {
        for (var instance : aws.resources().get("aws_instance").entrySet()) {
            JsonNode node = instance.getValue();
            assertThat(node.has("private_ip") || node.has("secondary_private_ips") || node.has("network_interface"))
                    .as(instance.getKey() + " sets no address of its own").isFalse();
            assertThat(node.path("root_block_device").get(0).path("volume_type").asText()).isEqualTo("gp3");
            assertThat(node.path("root_block_device").get(0).path("encrypted").asBoolean()).isTrue();
            JsonNode data = node.path("dynamic").path("ebs_block_device").get(0).path("content").get(0);
            assertThat(data.path("volume_type").asText()).isEqualTo("gp3");
            assertThat(data.path("encrypted").asBoolean()).isTrue();
            assertThat(node.path("metadata_options").get(0).path("http_tokens").asText()).as("IMDSv2 only").isEqualTo("required");
        }
    }

    @Test
    void onlyWorkersCanBeSpotInstances() {
        JsonNode worker = aws.resources().get("aws_instance").get("worker");
        JsonNode master = aws.resources().get("aws_instance").get("master");

        JsonNode market = worker.path("dynamic").path("instance_market_options").get(0);
        assertThat(market.path("for_each").asText()).isEqualTo("${var.worker_spot ? [var.spot_max_price] : []}");
        assertThat(market.path("content").get(0).path("market_type").asText()).isEqualTo("spot");
        assertThat(market.path("content").get(0).path("spot_options").get(0).path("max_price").asText())
                .isEqualTo("${instance_market_options.value}");
        assertThat(worker.path("count").asText()).isEqualTo("${var.worker_count}");
        assertThat(master.has("instance_market_options") || master.path("dynamic").has("instance_market_options")).isFalse();
        assertThat(aws.variables().get("worker_spot").path("default").asBoolean(true)).isFalse();
    }

    @Test
    void keyPairTakesThePublicKeyVariable() {
        JsonNode keyPair = aws.resources().get("aws_key_pair").get("admin");

        assertThat(keyPair.path("public_key").asText()).isEqualTo("${trimspace(var.ssh_public_key)}");
        assertThat(aws.isRequired("ssh_public_key")).isTrue();
        assertThat(vms.isRequired("ssh_public_key")).isTrue();
    }

    @Test
    void localVmAddressesDeriveFromTheNetworkVariable() {
        String nodes = vms.locals().path("nodes").asText().replaceAll("\\s+", " ");

        assertThat(nodes).contains("\"master\" = { address = cidrhost(var.network_cidr, 10)")
                .contains("\"worker-${index}\" => { address = cidrhost(var.network_cidr, 10 + index)");
        JsonNode network = vms.resources().get("libvirt_network").get("cluster");
        assertThat(network.path("addresses").toString()).isEqualTo("[\"${var.network_cidr}\"]");
        assertThat(network.path("dhcp").get(0).path("enabled").asBoolean()).isTrue();
        JsonNode nic = vms.resources().get("libvirt_domain").get("node").path("network_interface").get(0);
        assertThat(nic.path("addresses").toString()).isEqualTo("[\"${each.value.address}\"]");
        assertThat(nic.path("network_id").asText()).isEqualTo("${libvirt_network.cluster.id}");
    }

    @Test
    void localVmsBuildOnTheDownloadedImageAndCloudInit() {
        JsonNode base = vms.resources().get("libvirt_volume").get("base");
        JsonNode node = vms.resources().get("libvirt_volume").get("node");
        JsonNode cloudInit = vms.resources().get("libvirt_cloudinit_disk").get("node");
        JsonNode domain = vms.resources().get("libvirt_domain").get("node");

        assertThat(base.path("source").asText()).isEqualTo("${var.base_image_path}");
        assertThat(vms.isRequired("base_image_path")).isTrue();
        assertThat(node.path("base_volume_id").asText()).isEqualTo("${libvirt_volume.base.id}");
        assertThat(cloudInit.path("user_data").asText()).contains("#cloud-config").contains("var.ssh_user")
                .contains("ssh_authorized_keys = [trimspace(var.ssh_public_key)]");
        assertThat(domain.path("cloudinit").asText()).isEqualTo("${libvirt_cloudinit_disk.node[each.key].id}");
        for (JsonNode perNode : List.of(node, cloudInit, domain)) {
            assertThat(perNode.path("for_each").asText()).isEqualTo("${local.nodes}");
        }
    }

    @Test
    void libvirtProviderIsPinnedToTheLegacySchema() throws Exception {
        // 0.9 rewrote the provider with another schema: ~> 0.8.0 keeps every 0.8.x and nothing after.
        for (TerraformModule module : List.of(vms, TerraformTree.get().module(TerraformTree.DIR.resolve("examples/local-vms")))) {
            JsonNode libvirt = module.terraformBlocks().get(0).path("required_providers").get(0).path("libvirt");
            assertThat(libvirt.path("source").asText()).as(module.name()).isEqualTo("dmacvicar/libvirt");
            assertThat(libvirt.path("version").asText()).as(module.name()).isEqualTo("~> 0.8.0");
        }
    }

    @Test
    void inventoryFileIsWrittenOnlyWhenAPathIsGiven() {
        for (TerraformModule module : List.of(aws, vms)) {
            JsonNode file = module.resources().get("local_file").get("inventory");
            assertThat(file.path("count").asText()).as(module.name()).isEqualTo("${var.inventory_path == \"\" ? 0 : 1}");
            assertThat(file.path("content").asText()).isEqualTo("${module.inventory.content}");
            assertThat(module.outputs().get("ansible_inventory").path("value").asText()).isEqualTo("${module.inventory.content}");
            assertThat(module.variables().get("inventory_path").path("default").asText("x")).isEmpty();
        }
        assertThat(Map.of("aws", aws.outputs().get("ssh_user"), "vms", vms.outputs().get("ssh_user")))
                .allSatisfy((name, output) -> assertThat(output.path("value").asText()).isEqualTo("${var.ssh_user}"));
    }
}
