package io.datalakelab.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One Terraform module (a directory of .tf files), its blocks merged across files as Terraform merges them. */
record TerraformModule(
        Path dir,
        Map<String, JsonNode> variables,
        Map<String, JsonNode> outputs,
        ObjectNode locals,
        Map<String, Map<String, JsonNode>> resources,
        Map<String, Map<String, JsonNode>> data,
        Map<String, JsonNode> moduleCalls,
        Map<String, JsonNode> providers,
        List<JsonNode> terraformBlocks) {

    /** Blocks of a name appear as a one-element list in the JSON; a module call's arguments are not meta-arguments. */
    static final List<String> MODULE_META_ARGUMENTS = List.of("source", "version", "providers", "count", "for_each", "depends_on");

    static TerraformModule of(Path dir, Map<Path, JsonNode> parsedFiles) {
        Map<String, JsonNode> variables = new TreeMap<>();
        Map<String, JsonNode> outputs = new TreeMap<>();
        ObjectNode locals = JsonNodeFactory.instance.objectNode();
        Map<String, Map<String, JsonNode>> resources = new TreeMap<>();
        Map<String, Map<String, JsonNode>> data = new TreeMap<>();
        Map<String, JsonNode> moduleCalls = new TreeMap<>();
        Map<String, JsonNode> providers = new TreeMap<>();
        List<JsonNode> terraformBlocks = new ArrayList<>();
        parsedFiles.forEach((file, json) -> {
            if (!file.getFileName().toString().endsWith(".tf") || !dir.equals(file.getParent())) {
                return;
            }
            putBlocks(json.path("variable"), variables);
            putBlocks(json.path("output"), outputs);
            putBlocks(json.path("module"), moduleCalls);
            putBlocks(json.path("provider"), providers);
            json.path("locals").forEach(block -> locals.setAll((ObjectNode) block));
            putTypedBlocks(json.path("resource"), resources);
            putTypedBlocks(json.path("data"), data);
            json.path("terraform").forEach(terraformBlocks::add);
        });
        return new TerraformModule(dir, variables, outputs, locals, resources, data, moduleCalls, providers, terraformBlocks);
    }

    private static void putBlocks(JsonNode byName, Map<String, JsonNode> into) {
        byName.properties().forEach(entry -> into.put(entry.getKey(), entry.getValue().get(0)));
    }

    private static void putTypedBlocks(JsonNode byType, Map<String, Map<String, JsonNode>> into) {
        byType.properties().forEach(type -> putBlocks(type.getValue(), into.computeIfAbsent(type.getKey(), t -> new TreeMap<>())));
    }

    String name() {
        return dir.getParent().getFileName() + "/" + dir.getFileName();
    }

    /** A variable without a default must be given by every caller. */
    boolean isRequired(String variable) {
        return !variables.get(variable).has("default");
    }

    /** The module's arguments in a call: everything but the meta-arguments. */
    static List<String> callArguments(JsonNode moduleCall) {
        List<String> arguments = new ArrayList<>();
        for (Iterator<String> names = moduleCall.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!MODULE_META_ARGUMENTS.contains(name)) {
                arguments.add(name);
            }
        }
        return arguments;
    }

    /** The text of an expression without its {@code ${ }} wrapper; a literal's JSON text otherwise. */
    static String expression(JsonNode value) {
        if (value == null) {
            return null;
        }
        String text = value.isTextual() ? value.asText() : value.toString();
        if (text.startsWith("${") && text.endsWith("}")) {
            return text.substring(2, text.length() - 1);
        }
        return text;
    }
}
