package io.datalakelab.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Nothing environment-specific and nothing secret is written into the Terraform files. */
class HardCodedValuesTest {

    private static final Pattern IPV4 = Pattern.compile("(?<![\\d.])\\d{1,3}(?:\\.\\d{1,3}){3}(?:/\\d{1,2})?(?![\\d.])");

    /** Address ranges a user picks, with documented defaults. */
    private static final Set<String> CIDR_VARIABLES = Set.of("vpc_cidr", "subnet_cidr", "network_cidr");

    /** The one address block that is not a choice: "anywhere", for the default route and for outbound traffic. */
    private static final String ANYWHERE_LOCAL = "anywhere_ipv4";
    private static final String ANYWHERE = "0.0.0.0/0";

    /** RFC 5737: the ranges reserved for documentation, so an example value can never be someone's real network. */
    private static final List<String> DOCUMENTATION_PREFIXES = List.of("192.0.2.", "198.51.100.", "203.0.113.");

    /** A name that is, or ends in, a secret's name: db_password, secret_key, access_token; not http_tokens. */
    private static final Pattern SECRET_ATTRIBUTE =
            Pattern.compile("(?i)(.*_)?(password|passwd|secret|secret_key|access_key|private_key|api_key|token)");
    private static final List<Pattern> SECRET_TEXT = List.of(
            Pattern.compile("-----BEGIN"),
            Pattern.compile("AKIA[0-9A-Z]{16}"),
            Pattern.compile("(?i)aws_secret_access_key"));

    @Test
    void noLiteralAddressOutsideTheCidrVariablesDefaults() throws Exception {
        TerraformTree tree = TerraformTree.get();
        List<String> found = new ArrayList<>();
        for (Path file : tree.terraformFiles) {
            literalAddresses(tree.json.get(file)).forEach(finding -> found.add(TerraformTree.DIR.relativize(file) + ": " + finding));
        }

        assertThat(found).isEmpty();
    }

    @Test
    void addressScanFindsAnAddressInsideAnExpressionButNotInACidrDefault() throws Exception {
        JsonNode json = new ObjectMapper().readTree("""
                {"variable": {"vpc_cidr": [{"type": "${string}", "default": "10.0.0.0/16"}]},
                 "locals": [{"anywhere_ipv4": "0.0.0.0/0", "other": "0.0.0.0/0"}],
                 "resource": {"aws_route": {"r": [{"cidr_block": "${concat(var.a, [\\"10.1.2.0/24\\"])}"}]}}}
                """);

        assertThat(literalAddresses(json)).containsExactly("locals.other = 0.0.0.0/0", "resource.aws_route.r.cidr_block = 10.1.2.0/24");
    }

    @Test
    void tfvarsExamplesUseDocumentationAddressesOnly() throws Exception {
        List<String> found = new ArrayList<>();
        int addresses = 0;
        for (Path file : TerraformTree.get().tfvarsExamples) {
            Matcher address = IPV4.matcher(Files.readString(file));
            while (address.find()) {
                addresses++;
                if (DOCUMENTATION_PREFIXES.stream().noneMatch(address.group()::startsWith)) {
                    found.add(TerraformTree.DIR.relativize(file) + ": " + address.group());
                }
            }
        }

        assertThat(addresses).as("addresses in the tfvars examples").isPositive();
        assertThat(found).isEmpty();
    }

    @Test
    void noSecretsInTheTerraformFiles() throws Exception {
        TerraformTree tree = TerraformTree.get();
        List<String> found = new ArrayList<>();
        for (Path file : tree.json.keySet()) {
            secretAttributes(tree.json.get(file), "").forEach(finding -> found.add(TerraformTree.DIR.relativize(file) + ": " + finding));
        }
        List<Path> texts;
        try (Stream<Path> files = Stream.concat(tree.json.keySet().stream(), Files.walk(TerraformTree.DIR.resolve("modules")))) {
            texts = files.filter(Files::isRegularFile).distinct().toList();
        }
        for (Path file : texts) {
            String text = Files.readString(file);
            for (Pattern secret : SECRET_TEXT) {
                if (secret.matcher(text).find()) {
                    found.add(TerraformTree.DIR.relativize(file) + ": holds " + secret.pattern());
                }
            }
        }

        assertThat(found).isEmpty();
    }

    @Test
    void secretScanFindsALiteralPasswordButNotAVariableReference() throws Exception {
        JsonNode json = new ObjectMapper().readTree("""
                {"resource": {"aws_db_instance": {"db": [{"password": "hunter2", "master_password": "${var.db_password}"}]}},
                 "variable": {"db_password": [{"type": "${string}", "default": "s3cret"}]}}
                """);

        assertThat(secretAttributes(json, "")).containsExactly(
                "resource.aws_db_instance.db.password has a literal value", "variable.db_password.default has a literal value");
    }

    /** Every literal IPv4 address or CIDR in the file's values and keys, except the allowed defaults. */
    static List<String> literalAddresses(JsonNode json) {
        List<String> found = new ArrayList<>();
        collectAddresses(json, new ArrayList<>(), found);
        return found;
    }

    private static void collectAddresses(JsonNode node, List<String> path, List<String> found) {
        if (node.isArray()) {
            node.forEach(element -> collectAddresses(element, path, found));
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                List<String> inner = new ArrayList<>(path);
                inner.add(field.getKey());
                addressesIn(field.getKey(), inner, found);
                collectAddresses(field.getValue(), inner, found);
            }
        } else if (node.isTextual()) {
            addressesIn(node.asText(), path, found);
        }
    }

    private static void addressesIn(String text, List<String> path, List<String> found) {
        Matcher address = IPV4.matcher(text);
        while (address.find()) {
            boolean cidrDefault = path.size() == 3 && path.get(0).equals("variable") && CIDR_VARIABLES.contains(path.get(1))
                    && path.get(2).equals("default");
            boolean anywhere = path.equals(List.of("locals", ANYWHERE_LOCAL)) && text.equals(ANYWHERE);
            if (!cidrDefault && !anywhere) {
                found.add(String.join(".", path) + " = " + address.group());
            }
        }
    }

    private static List<String> secretAttributes(JsonNode node, String path) {
        List<String> found = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(element -> found.addAll(secretAttributes(element, path)));
        } else if (node.isObject()) {
            node.properties().forEach(field -> {
                String inner = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode value = field.getValue();
                boolean literal = (value.isTextual() && !value.asText().startsWith("${")) || value.isNumber();
                // A secret attribute, or the default of a variable named like one.
                boolean secretName = SECRET_ATTRIBUTE.matcher(field.getKey()).matches()
                        || (field.getKey().equals("default") && SECRET_ATTRIBUTE.matcher(path.substring(path.lastIndexOf('.') + 1)).matches());
                if (secretName && literal) {
                    found.add(inner + " has a literal value");
                }
                found.addAll(secretAttributes(value, inner));
            });
        }
        return found;
    }
}
