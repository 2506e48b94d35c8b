package io.datalakelab.nifi.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.nifi.flow.Bundle;

/**
 * Extensions whose classes the tests cannot load, as transcribed from the apache/nifi source of a release: NiFi 2.6.0's
 * Kafka, HDFS, MQTT and HTTP-context-map types ({@code nifi-2-catalogue.json}, their jars are not on Maven Central) and
 * the NiFi 1.28.1 types of the 1.x template ({@code nifi-1-catalogue.json}, 1.x classes cannot load beside 2.x ones).
 */
final class CatalogueExtensions implements Extensions {

    static final String NIFI_2 = "/nifi-2-catalogue.json";
    static final String NIFI_1 = "/nifi-1-catalogue.json";

    private final String resource;
    private final String nifiVersion;
    private final Map<String, ExtensionSpec> byType = new LinkedHashMap<>();

    CatalogueExtensions(String resource) throws IOException {
        this.resource = resource;
        JsonNode root;
        try (InputStream in = CatalogueExtensions.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the test class path");
            }
            root = new ObjectMapper().readTree(in);
        }
        nifiVersion = root.path("nifiVersion").asText();
        for (JsonNode extension : root.path("extensions")) {
            CatalogueExtension spec = new CatalogueExtension(extension, resource.substring(1));
            byType.put(spec.type(), spec);
        }
    }

    @Override
    public String nifiVersion() {
        return nifiVersion;
    }

    @Override
    public String sources() {
        return "not in " + resource.substring(1);
    }

    @Override
    public Optional<ExtensionSpec> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    Set<String> types() {
        return byType.keySet();
    }

    private static Bundle bundleOf(JsonNode node) {
        return ClasspathExtensions.bundleOf(node.path("group").asText(), node.path("artifact").asText(), node.path("version").asText());
    }

    private static final class CatalogueExtension implements ExtensionSpec {
        private final String type;
        private final Kind kind;
        private final Bundle bundle;
        private final String origin;
        private final boolean dynamicProperties;
        private final String dynamicPropertiesExpressionLanguage;
        private final List<PropertySpec> properties = new ArrayList<>();
        private final Map<String, JsonNode> relationshipConditions = new LinkedHashMap<>();
        private final JsonNode dynamicRelationshipsWhen;
        private final List<ProvidedApi> providedApis = new ArrayList<>();

        CatalogueExtension(JsonNode node, String catalogue) {
            type = node.path("type").asText();
            kind = Kind.valueOf(node.path("kind").asText());
            bundle = bundleOf(node.path("bundle"));
            origin = catalogue + ", from " + node.path("sources").path(0).asText();
            dynamicProperties = node.path("dynamicProperties").asBoolean(false);
            dynamicPropertiesExpressionLanguage = node.path("dynamicPropertiesExpressionLanguage").asText("NONE");
            for (JsonNode p : node.path("properties")) {
                properties.add(property(p, false));
            }
            for (JsonNode r : node.path("relationships")) {
                relationshipConditions.put(r.path("name").asText(), r);
            }
            dynamicRelationshipsWhen = node.path("dynamicRelationshipsWhen");
            for (JsonNode api : node.path("providedApis")) {
                providedApis.add(new ProvidedApi(api.path("type").asText(), bundleOf(api.path("bundle"))));
            }
        }

        private static PropertySpec property(JsonNode p, boolean dynamic) {
            List<String> allowed = null;
            if (p.has("allowableValues")) {
                allowed = new ArrayList<>();
                for (JsonNode v : p.path("allowableValues")) {
                    allowed.add(v.asText());
                }
            }
            Map<String, List<String>> dependsOn = new LinkedHashMap<>();
            p.path("dependsOn").fields().forEachRemaining(e -> {
                List<String> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(v.asText()));
                dependsOn.put(e.getKey(), values);
            });
            return new PropertySpec(p.path("name").asText(), p.path("displayName").asText(p.path("name").asText()),
                    p.path("required").asBoolean(false), p.hasNonNull("default") ? p.path("default").asText() : null, allowed,
                    p.hasNonNull("controllerService") ? p.path("controllerService").asText() : null,
                    p.path("sensitive").asBoolean(false), p.path("expressionLanguage").asText("NONE"), dependsOn, dynamic);
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public Kind kind() {
            return kind;
        }

        @Override
        public Bundle bundle() {
            return bundle;
        }

        @Override
        public String origin() {
            return origin;
        }

        @Override
        public List<PropertySpec> declaredProperties() {
            return properties;
        }

        @Override
        public Optional<PropertySpec> property(String name) {
            for (PropertySpec spec : properties) {
                if (spec.name().equals(name)) {
                    return Optional.of(spec);
                }
            }
            return dynamicProperties
                    ? Optional.of(new PropertySpec(name, name, false, null, null, null, false, dynamicPropertiesExpressionLanguage, Map.of(), true))
                    : Optional.empty();
        }

        @Override
        public Set<String> relationships(Map<String, String> configuredValues) {
            Set<String> names = new TreeSet<>();
            relationshipConditions.forEach((name, relationship) -> {
                if (relationship.hasNonNull("whenSet")) {
                    if (configuredValues.get(relationship.path("whenSet").asText()) != null) {
                        names.add(name);
                    }
                } else if (relationship.has("whenValue")) {
                    if (holds(relationship.path("whenValue"), configuredValues)) {
                        names.add(name);
                    }
                } else {
                    names.add(name);
                }
            });
            if (!dynamicRelationshipsWhen.isMissingNode() && holds(dynamicRelationshipsWhen, configuredValues)) {
                configuredValues.keySet().stream().filter(n -> properties.stream().noneMatch(p -> p.name().equals(n))).forEach(names::add);
            }
            return names;
        }

        /** Whether each named property's value (configured, or else its default) is one of the listed values. */
        private boolean holds(JsonNode condition, Map<String, String> configuredValues) {
            for (Iterator<Map.Entry<String, JsonNode>> it = condition.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String value = configuredValues.containsKey(entry.getKey()) ? configuredValues.get(entry.getKey())
                        : property(entry.getKey()).map(PropertySpec::defaultValue).orElse(null);
                boolean listed = false;
                for (JsonNode allowed : entry.getValue()) {
                    listed |= allowed.asText().equals(value);
                }
                if (!listed) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public List<ProvidedApi> providedApis() {
            return providedApis;
        }
    }
}
