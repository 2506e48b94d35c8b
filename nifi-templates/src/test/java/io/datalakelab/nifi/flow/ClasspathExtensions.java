package io.datalakelab.nifi.flow;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.nifi.components.AllowableValue;
import org.apache.nifi.components.ConfigurableComponent;
import org.apache.nifi.components.PropertyDependency;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.controller.ControllerService;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flow.Bundle;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.NoOpProcessor;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/**
 * Extensions whose jars are on the test class path: the real classes of the NiFi release, read through NiFi's own API
 * (property descriptors, relationships), so the flows are checked against exactly what NiFi will load. A type counts
 * only when its jar registers it in {@code META-INF/services}, as NiFi's extension discovery requires.
 */
final class ClasspathExtensions {

    /**
     * The NAR each extension jar is packaged in. UpdateAttribute's jar is on Maven Central only at 2.3.0; its
     * descriptors and relationships are the same in 2.6.0 (the class's only change between the tags is an internal
     * string comparison), so it stands for nifi-update-attribute-nar 2.6.0.
     */
    private static final Map<String, String> NAR_OF_JAR = Map.of(
            "nifi-standard-processors", "nifi-standard-nar",
            "nifi-record-serialization-services", "nifi-record-serialization-services-nar",
            "nifi-update-attribute-processor", "nifi-update-attribute-nar");

    private static final Pattern VERSIONED_JAR = Pattern.compile("^(.+?)-(\\d[^/]*)\\.jar$");

    private final Map<String, ExtensionSpec> byType = new LinkedHashMap<>();

    /**
     * @param nifiVersion       version of the NiFi bundles the flows target
     * @param ownBundle         the bundle of the extensions compiled in this module (the NAR it builds)
     */
    ClasspathExtensions(String nifiVersion, Bundle ownBundle) throws IOException {
        scan(Processor.class, ExtensionSpec.Kind.PROCESSOR, nifiVersion, ownBundle);
        scan(ControllerService.class, ExtensionSpec.Kind.CONTROLLER_SERVICE, nifiVersion, ownBundle);
    }

    Optional<ExtensionSpec> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    Set<String> types() {
        return Collections.unmodifiableSet(byType.keySet());
    }

    private void scan(Class<?> extensionPoint, ExtensionSpec.Kind kind, String nifiVersion, Bundle ownBundle) throws IOException {
        Enumeration<URL> serviceFiles = getClass().getClassLoader().getResources("META-INF/services/" + extensionPoint.getName());
        while (serviceFiles.hasMoreElements()) {
            URL serviceFile = serviceFiles.nextElement();
            String location = serviceFile.toString();
            Bundle bundle;
            String origin;
            if (location.startsWith("jar:")) {
                String jarName = location.substring(location.lastIndexOf('/', location.indexOf("!/") - 1) + 1, location.indexOf("!/"));
                Matcher jar = VERSIONED_JAR.matcher(jarName);
                if (!jar.matches() || !NAR_OF_JAR.containsKey(jar.group(1))) {
                    continue;
                }
                bundle = bundleOf("org.apache.nifi", NAR_OF_JAR.get(jar.group(1)), nifiVersion);
                origin = jarName;
            } else if (location.contains("/target/classes/")) {
                bundle = ownBundle;
                origin = "this module's classes";
            } else {
                continue;
            }
            for (String type : classNames(serviceFile)) {
                byType.put(type, new ClassExtension(type, kind, bundle, origin));
            }
        }
    }

    private static List<String> classNames(URL serviceFile) throws IOException {
        try (InputStream in = serviceFile.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(line -> line.replaceFirst("#.*", "").trim())
                    .filter(line -> !line.isEmpty())
                    .toList();
        }
    }

    static Bundle bundleOf(String group, String artifact, String version) {
        Bundle bundle = new Bundle();
        bundle.setGroup(group);
        bundle.setArtifact(artifact);
        bundle.setVersion(version);
        return bundle;
    }

    /** A type read from its class, instantiated and initialized the way nifi-mock does. */
    private static final class ClassExtension implements ExtensionSpec {
        private final String type;
        private final Kind kind;
        private final Bundle bundle;
        private final String origin;
        private ConfigurableComponent component;
        private List<PropertySpec> declared;

        ClassExtension(String type, Kind kind, Bundle bundle, String origin) {
            this.type = type;
            this.kind = kind;
            this.bundle = bundle;
            this.origin = origin;
        }

        /**
         * Instantiated on first use: the standard jars register a hundred processors, some of which need libraries
         * only a full NiFi provides; only the types a flow uses must load here.
         */
        private synchronized ConfigurableComponent component() {
            if (component == null) {
                component = instantiate(type, kind);
                declared = component.getPropertyDescriptors().stream().map(d -> spec(d, false)).toList();
            }
            return component;
        }

        private static ConfigurableComponent instantiate(String type, Kind kind) {
            try {
                if (kind == Kind.PROCESSOR) {
                    return TestRunners.newTestRunner(type(type, Processor.class)).getProcessor();
                }
                ControllerService service = type(type, ControllerService.class).getDeclaredConstructor().newInstance();
                TestRunners.newTestRunner(NoOpProcessor.class).addControllerService("catalog-" + type, service);
                return service;
            } catch (ReflectiveOperationException | InitializationException e) {
                throw new IllegalStateException("cannot instantiate " + type + " to read its descriptors", e);
            }
        }

        private static <T> Class<? extends T> type(String name, Class<T> extensionPoint) throws ClassNotFoundException {
            return Class.forName(name).asSubclass(extensionPoint);
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
            component();
            return declared;
        }

        @Override
        public Optional<PropertySpec> property(String name) {
            for (PropertySpec spec : declaredProperties()) {
                if (spec.name().equals(name)) {
                    return Optional.of(spec);
                }
            }
            PropertyDescriptor dynamic = supportedDynamicProperty(component(), name);
            return dynamic == null ? Optional.empty() : Optional.of(spec(dynamic, true));
        }

        @Override
        public Set<String> relationships(Map<String, String> configuredValues) {
            if (kind != Kind.PROCESSOR) {
                return Set.of();
            }
            // Some processors derive relationships from their configuration (ConsumeKafka, RouteOnAttribute):
            // configure a fresh instance as the flow does, then ask.
            TestRunner runner = TestRunners.newTestRunner(((Processor) component()).getClass());
            configuredValues.forEach((name, value) -> {
                if (value != null) {
                    runner.setProperty(name, value);
                }
            });
            return runner.getProcessor().getRelationships().stream().map(Relationship::getName).collect(Collectors.toSet());
        }

        @Override
        public List<ProvidedApi> providedApis() {
            if (kind != Kind.CONTROLLER_SERVICE) {
                return List.of();
            }
            List<ProvidedApi> apis = new ArrayList<>();
            Set<Class<?>> seen = new HashSet<>();
            collectServiceInterfaces(component().getClass(), apis, seen);
            return apis;
        }

        private void collectServiceInterfaces(Class<?> type, List<ProvidedApi> apis, Set<Class<?>> seen) {
            if (type == null) {
                return;
            }
            for (Class<?> api : type.getInterfaces()) {
                if (seen.add(api) && ControllerService.class.isAssignableFrom(api) && api != ControllerService.class) {
                    // The API bundle is what the framework resolves; standard service APIs live in nifi-standard-services-api-nar.
                    apis.add(new ProvidedApi(api.getName(), bundleOf("org.apache.nifi", "nifi-standard-services-api-nar", bundle.getVersion())));
                }
                collectServiceInterfaces(api, apis, seen);
            }
            collectServiceInterfaces(type.getSuperclass(), apis, seen);
        }

        /**
         * The descriptor the component gives for a user-defined property, or {@code null} when it accepts none.
         * {@code getPropertyDescriptor(name)} cannot tell: it answers an always-invalid descriptor for unsupported names.
         */
        private static PropertyDescriptor supportedDynamicProperty(ConfigurableComponent component, String name) {
            for (Class<?> c = component.getClass(); c != null; c = c.getSuperclass()) {
                try {
                    Method method = c.getDeclaredMethod("getSupportedDynamicPropertyDescriptor", String.class);
                    method.setAccessible(true);
                    return (PropertyDescriptor) method.invoke(component, name);
                } catch (NoSuchMethodException e) {
                    // declared higher up
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot ask " + component.getClass().getName() + " about dynamic property " + name, e);
                }
            }
            return null;
        }

        private static PropertySpec spec(PropertyDescriptor d, boolean dynamic) {
            List<String> allowed = d.getAllowableValues() == null ? null
                    : d.getAllowableValues().stream().map(AllowableValue::getValue).toList();
            Map<String, List<String>> dependsOn = new LinkedHashMap<>();
            for (PropertyDependency dependency : d.getDependencies()) {
                dependsOn.put(dependency.getPropertyName(),
                        dependency.getDependentValues() == null ? List.of() : List.copyOf(dependency.getDependentValues()));
            }
            ExpressionLanguageScope scope = d.getExpressionLanguageScope();
            String el = scope == null || !d.isExpressionLanguageSupported() ? "NONE" : scope.name();
            String api = d.getControllerServiceDefinition() == null ? null : d.getControllerServiceDefinition().getName();
            return new PropertySpec(d.getName(), d.getDisplayName(), d.isRequired(), d.getDefaultValue(), allowed, api,
                    d.isSensitive(), el, dependsOn, dynamic);
        }
    }
}
