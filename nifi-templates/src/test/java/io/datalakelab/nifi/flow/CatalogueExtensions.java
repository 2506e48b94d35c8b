package io.datalakelab.nifi.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.nifi.flow.Bundle;

/**
 * Extensions whose jars are not on Maven Central (Kafka, HDFS, MQTT, the HTTP context map), as transcribed from the
 * apache/nifi source of the targeted release into {@code nifi-2-catalogue.json}.
 */
final class CatalogueExtensions {

    static final String RESOURCE = "/nifi-2-catalogue.json";

    private final String nifiVersion;
    private final Map<String, ExtensionSpec> byType = new LinkedHashMap<>();

    CatalogueExtensions() throws IOException {
        JsonNode root;
        try (InputStream in = CatalogueExtensions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the test class path");
            }
            root = new ObjectMapper().readTree(in);
        }
        nifiVersion = root.path("nifiVersion").asText();
        for (JsonNode extension : root.path("extensions")) {
            CatalogueExtension spec = new CatalogueExtension(extension);
            byType.put(spec.type(), spec);
        }
    }

    String nifiVersion() {
        return nifiVersion;
    }

    Optional<ExtensionSpec> find(String type) {
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
        private final Map<String, String> relationshipCondition = new LinkedHashMap<>();
        private final List<ProvidedApi> providedApis = new ArrayList<>();

        CatalogueExtension(JsonNode node) {
            type = node.path("type").asText();
            kind = Kind.valueOf(node.path("kind").asText());
            bundle = bundleOf(node.path("bundle"));
            origin = "nifi-2-catalogue.json, from " + node.path("sources").path(0).asText();
            dynamicProperties = node.path("dynamicProperties").asBoolean(false);
            dynamicPropertiesExpressionLanguage = node.path("dynamicPropertiesExpressionLanguage").asText("NONE");
            for (JsonNode p : node.path("properties")) {
                properties.add(property(p, false));
            }
            for (JsonNode r : node.path("relationships")) {
                relationshipCondition.put(r.path("name").asText(), r.hasNonNull("whenSet") ? r.path("whenSet").asText() : null);
            }
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
            relationshipCondition.forEach((name, whenSet) -> {
                if (whenSet == null || configuredValues.get(whenSet) != null) {
                    names.add(name);
                }
            });
            return names;
        }

        @Override
        public List<ProvidedApi> providedApis() {
            return providedApis;
        }
    }
}
