package io.datalakelab.nifi.flow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.nifi.flow.Bundle;
import org.apache.nifi.flow.ConnectableComponent;
import org.apache.nifi.flow.ConnectableComponentType;
import org.apache.nifi.flow.ControllerServiceAPI;
import org.apache.nifi.flow.VersionedConfigurableExtension;
import org.apache.nifi.flow.VersionedConnection;
import org.apache.nifi.flow.VersionedControllerService;
import org.apache.nifi.flow.VersionedParameter;
import org.apache.nifi.flow.VersionedParameterContext;
import org.apache.nifi.flow.VersionedProcessGroup;
import org.apache.nifi.flow.VersionedProcessor;
import org.apache.nifi.flow.VersionedPropertyDescriptor;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshot;

/**
 * Checks a NiFi 2 flow definition against the extensions of the release it targets, before any NiFi sees it: what NiFi
 * would show as an invalid processor, an unknown property or a dangling relationship, plus the platform's own rules
 * (every parameter defined and used, no host names fixed in the flow). Each problem is one sentence naming the
 * component and what is wrong.
 */
final class FlowChecker {

    private static final Pattern EXPRESSION = Pattern.compile("(?<!\\$)\\$\\{");
    private static final List<Pattern> HOST_PATTERNS = List.of(
            Pattern.compile("(?i)\\blocalhost\\b"),
            Pattern.compile("\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b"),
            Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://([^/\\s:\"']+)"),
            Pattern.compile("\\b[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*:\\d{2,5}\\b"));

    private final Extensions extensions;

    FlowChecker(Extensions extensions) {
        this.extensions = extensions;
    }

    List<String> check(RegisteredFlowSnapshot snapshot) {
        List<String> problems = new ArrayList<>();
        if (snapshot.getFlowContents() == null) {
            problems.add("the definition has no flowContents");
            return problems;
        }
        Map<String, VersionedParameterContext> contexts = snapshot.getParameterContexts() == null ? Map.of() : snapshot.getParameterContexts();
        contexts.forEach((key, context) -> {
            if (!key.equals(context.getName())) {
                problems.add("parameter context listed as '" + key + "' is named '" + context.getName() + "'");
            }
        });
        Map<String, Set<String>> usedByContext = new HashMap<>();
        checkGroup(snapshot.getFlowContents(), List.of(), contexts, usedByContext, problems);
        contexts.forEach((name, context) -> {
            Set<String> used = usedByContext.getOrDefault(name, Set.of());
            for (VersionedParameter parameter : context.getParameters()) {
                if (!used.contains(parameter.getName())) {
                    problems.add("parameter '" + parameter.getName() + "' of context '" + name + "' is defined but no property references it");
                }
            }
        });
        return problems;
    }

    private void checkGroup(VersionedProcessGroup group, List<VersionedProcessGroup> ancestors,
                            Map<String, VersionedParameterContext> contexts, Map<String, Set<String>> usedByContext,
                            List<String> problems) {
        String contextName = group.getParameterContextName();
        Map<String, VersionedParameter> parameters = new LinkedHashMap<>();
        if (contextName != null) {
            if (!contexts.containsKey(contextName)) {
                problems.add("group '" + group.getName() + "' is bound to parameter context '" + contextName + "', which the definition does not contain");
            } else {
                collectParameters(contextName, contexts, parameters, new HashSet<>(), problems);
            }
        }
        ParameterUse parameterUse = new ParameterUse(group, contextName, parameters, usedByContext);

        Map<String, VersionedControllerService> servicesInScope = new HashMap<>();
        for (VersionedProcessGroup scope : ancestors) {
            scope.getControllerServices().forEach(s -> servicesInScope.put(s.getIdentifier(), s));
        }
        group.getControllerServices().forEach(s -> servicesInScope.put(s.getIdentifier(), s));

        Map<String, List<VersionedConnection>> connectionsFrom = new HashMap<>();
        for (VersionedConnection connection : group.getConnections()) {
            connectionsFrom.computeIfAbsent(connection.getSource().getId(), id -> new ArrayList<>()).add(connection);
        }
        checkUniqueIdentifiers(group, problems);
        for (VersionedControllerService service : group.getControllerServices()) {
            checkComponent("controller service '" + service.getName() + "'", service, ExtensionSpec.Kind.CONTROLLER_SERVICE,
                    parameterUse, servicesInScope, problems).ifPresent(spec -> checkServiceApis(service, spec, problems));
        }
        for (VersionedProcessor processor : group.getProcessors()) {
            String subject = "processor '" + processor.getName() + "'";
            checkComponent(subject, processor, ExtensionSpec.Kind.PROCESSOR, parameterUse, servicesInScope, problems)
                    .ifPresent(spec -> checkRelationships(subject, processor, spec, parameterUse,
                            connectionsFrom.getOrDefault(processor.getIdentifier(), List.of()), problems));
        }
        checkConnections(group, problems);

        List<VersionedProcessGroup> childAncestors = new ArrayList<>(ancestors);
        childAncestors.add(group);
        for (VersionedProcessGroup child : group.getProcessGroups()) {
            checkGroup(child, childAncestors, contexts, usedByContext, problems);
        }
    }

    private void collectParameters(String contextName, Map<String, VersionedParameterContext> contexts,
                                   Map<String, VersionedParameter> into, Set<String> visited, List<String> problems) {
        if (!visited.add(contextName)) {
            return;
        }
        VersionedParameterContext context = contexts.get(contextName);
        if (context == null) {
            problems.add("parameter context '" + contextName + "' is inherited but the definition does not contain it");
            return;
        }
        for (VersionedParameter parameter : context.getParameters()) {
            into.putIfAbsent(parameter.getName(), parameter);
        }
        if (context.getInheritedParameterContexts() != null) {
            for (String inherited : context.getInheritedParameterContexts()) {
                collectParameters(inherited, contexts, into, visited, problems);
            }
        }
    }

    /** The parameters a group can reference, and the record of which ones its components do. */
    private static final class ParameterUse {
        private final VersionedProcessGroup group;
        private final String contextName;
        private final Map<String, VersionedParameter> parameters;
        private final Map<String, Set<String>> usedByContext;
        private final Map<String, String> values = new HashMap<>();

        ParameterUse(VersionedProcessGroup group, String contextName, Map<String, VersionedParameter> parameters,
                     Map<String, Set<String>> usedByContext) {
            this.group = group;
            this.contextName = contextName;
            this.parameters = parameters;
            this.usedByContext = usedByContext;
            parameters.forEach((name, p) -> values.put(name, p.getValue()));
        }

        /** Records the references in a value, and reports those the group's context does not define. */
        void record(String subject, String property, String value, List<String> problems) {
            for (String name : ParameterReferences.in(value)) {
                if (!parameters.containsKey(name)) {
                    problems.add(subject + ": property '" + property + "' references parameter '" + name + "', which "
                            + (contextName == null ? "group '" + group.getName() + "' has no parameter context to define"
                            : "parameter context '" + contextName + "' does not define"));
                } else if (contextName != null) {
                    usedByContext.computeIfAbsent(contextName, c -> new HashSet<>()).add(name);
                }
            }
        }

        String resolve(String value) {
            return ParameterReferences.resolve(value, values);
        }

        boolean isSensitive(String name) {
            VersionedParameter parameter = parameters.get(name);
            return parameter != null && parameter.isSensitive();
        }
    }

    private Optional<ExtensionSpec> checkComponent(String subject, VersionedConfigurableExtension component, ExtensionSpec.Kind kind,
                                                   ParameterUse parameterUse, Map<String, VersionedControllerService> servicesInScope,
                                                   List<String> problems) {
        Map<String, String> properties = component.getProperties() == null ? Map.of() : component.getProperties();
        // References count as used even when the type is unknown: one mistake, one problem.
        properties.forEach((name, value) -> parameterUse.record(subject, name, value, problems));

        Optional<ExtensionSpec> found = extensions.find(component.getType());
        if (found.isEmpty()) {
            problems.add(subject + ": type " + component.getType() + " is not an extension of NiFi " + extensions.nifiVersion()
                    + " (" + extensions.sources() + ")");
            return Optional.empty();
        }
        ExtensionSpec spec = found.get();
        if (spec.kind() != kind) {
            problems.add(subject + ": type " + spec.type() + " is a " + spec.kind() + ", not a " + kind);
            return Optional.empty();
        }
        if (!sameBundle(component.getBundle(), spec.bundle())) {
            problems.add(subject + ": bundle " + describe(component.getBundle()) + " should be " + describe(spec.bundle())
                    + ", the bundle of " + spec.type());
        }

        Map<String, String> resolved = new LinkedHashMap<>();
        properties.forEach((name, value) -> resolved.put(name, parameterUse.resolve(value)));
        Map<String, VersionedPropertyDescriptor> descriptors = component.getPropertyDescriptors() == null
                ? Map.of() : component.getPropertyDescriptors();

        for (Map.Entry<String, String> property : properties.entrySet()) {
            String name = property.getKey();
            String raw = property.getValue();
            Optional<PropertySpec> declared = spec.property(name);
            if (declared.isEmpty()) {
                problems.add(subject + ": '" + name + "' is not a property of " + spec.type() + nearest(name, spec.declaredProperties())
                        + " (and it accepts no user-defined properties)");
                continue;
            }
            PropertySpec p = declared.get();
            checkDescriptorEntry(subject, name, descriptors.get(name), p, problems);
            if (raw == null) {
                continue;
            }
            String value = resolved.get(name);
            if (EXPRESSION.matcher(raw).find() && !p.supportsExpressionLanguage()) {
                problems.add(subject + ": property '" + name + "' holds Expression Language (" + raw + ") but " + spec.type()
                        + " does not evaluate it there; NiFi would use the text as it is");
            }
            if (p.allowableValues() != null && !p.allowableValues().contains(value)) {
                problems.add(subject + ": property '" + name + "' is '" + value + "', not one of " + p.allowableValues());
            }
            if (p.controllerServiceApi() != null) {
                checkServiceReference(subject, name, value, p.controllerServiceApi(), servicesInScope, problems);
            }
            if (p.sensitive()) {
                List<String> refs = ParameterReferences.in(raw);
                if (!ParameterReferences.isWholeReference(raw) || !parameterUse.isSensitive(refs.get(0))) {
                    problems.add(subject + ": sensitive property '" + name + "' must be exactly one reference to a sensitive parameter");
                }
            }
            if (p.controllerServiceApi() == null) {
                String fixed = ParameterReferences.withoutReferences(raw);
                for (Pattern host : HOST_PATTERNS) {
                    Matcher m = host.matcher(fixed);
                    if (m.find()) {
                        problems.add(subject + ": property '" + name + "' fixes a host in the flow ('" + m.group()
                                + "'); take it from a parameter");
                        break;
                    }
                }
            }
        }
        checkRequiredProperties(subject, spec, resolved, problems);
        return Optional.of(spec);
    }

    private static void checkDescriptorEntry(String subject, String name, VersionedPropertyDescriptor entry, PropertySpec p,
                                             List<String> problems) {
        if (entry == null) {
            return;
        }
        if (!name.equals(entry.getName())) {
            problems.add(subject + ": propertyDescriptors entry '" + name + "' is named '" + entry.getName() + "'");
        }
        boolean identifiesService = p.controllerServiceApi() != null;
        if (entry.getIdentifiesControllerService() != identifiesService) {
            // NiFi maps the service ids of such properties on import; a wrong flag leaves a dangling id, or mangles a value.
            problems.add(subject + ": propertyDescriptors says '" + name + "' " + (identifiesService ? "does not identify" : "identifies")
                    + " a controller service, but it " + (identifiesService ? "does" : "does not"));
        }
        if (entry.isSensitive() != p.sensitive()) {
            problems.add(subject + ": propertyDescriptors says '" + name + "' is " + (entry.isSensitive() ? "" : "not ") + "sensitive, but it is "
                    + (p.sensitive() ? "" : "not"));
        }
        if (entry.isDynamic() != p.dynamic()) {
            problems.add(subject + ": propertyDescriptors says '" + name + "' is " + (entry.isDynamic() ? "" : "not ")
                    + "a user-defined property, but it is " + (p.dynamic() ? "" : "not"));
        }
        if (!p.dynamic() && entry.getDisplayName() != null && !entry.getDisplayName().equals(p.displayName())) {
            problems.add(subject + ": propertyDescriptors shows '" + name + "' as '" + entry.getDisplayName() + "', NiFi as '" + p.displayName() + "'");
        }
    }

    private void checkServiceReference(String subject, String property, String serviceId, String api,
                                       Map<String, VersionedControllerService> servicesInScope, List<String> problems) {
        VersionedControllerService service = servicesInScope.get(serviceId);
        if (service == null) {
            problems.add(subject + ": property '" + property + "' names controller service " + serviceId
                    + ", which is not in its group or an enclosing one");
            return;
        }
        boolean provides = extensions.find(service.getType())
                .map(s -> s.providedApis().stream().anyMatch(a -> a.type().equals(api)))
                .orElse(true); // an unknown service type is reported on its own
        if (!provides) {
            problems.add(subject + ": property '" + property + "' needs a " + api + " but names '" + service.getName() + "', a " + service.getType());
        }
    }

    private static void checkRequiredProperties(String subject, ExtensionSpec spec, Map<String, String> resolved, List<String> problems) {
        Map<String, PropertySpec> byName = new LinkedHashMap<>();
        spec.declaredProperties().forEach(p -> byName.put(p.name(), p));
        for (PropertySpec p : spec.declaredProperties()) {
            if (!p.required() || p.defaultValue() != null || !isActive(p, byName, resolved, new HashSet<>())) {
                continue;
            }
            String value = resolved.get(p.name());
            if (value == null || value.isEmpty()) {
                problems.add(subject + ": required property '" + p.name() + "' of " + spec.type() + " is not set");
            }
        }
    }

    /** Whether a property applies: each property it depends on applies and has one of the values it depends on. */
    private static boolean isActive(PropertySpec p, Map<String, PropertySpec> byName, Map<String, String> resolved, Set<String> visiting) {
        if (!visiting.add(p.name())) {
            return true;
        }
        for (Map.Entry<String, List<String>> dependency : p.dependsOn().entrySet()) {
            PropertySpec on = byName.get(dependency.getKey());
            if (on == null || !isActive(on, byName, resolved, visiting)) {
                return false;
            }
            String value = resolved.containsKey(on.name()) ? resolved.get(on.name()) : on.defaultValue();
            if (value == null || (!dependency.getValue().isEmpty() && !dependency.getValue().contains(value))) {
                return false;
            }
        }
        return true;
    }

    private static void checkServiceApis(VersionedControllerService service, ExtensionSpec spec, List<String> problems) {
        Set<String> declared = new TreeSet<>();
        if (service.getControllerServiceApis() != null) {
            for (ControllerServiceAPI api : service.getControllerServiceApis()) {
                declared.add(api.getType());
                Optional<ExtensionSpec.ProvidedApi> provided = spec.providedApis().stream().filter(a -> a.type().equals(api.getType())).findFirst();
                if (provided.isEmpty()) {
                    problems.add("controller service '" + service.getName() + "': " + spec.type() + " does not implement " + api.getType());
                } else if (!sameBundle(api.getBundle(), provided.get().bundle())) {
                    problems.add("controller service '" + service.getName() + "': API " + api.getType() + " comes from "
                            + describe(provided.get().bundle()) + ", not " + describe(api.getBundle()));
                }
            }
        }
        for (ExtensionSpec.ProvidedApi api : spec.providedApis()) {
            if (!declared.contains(api.type())) {
                problems.add("controller service '" + service.getName() + "': controllerServiceApis omits " + api.type()
                        + ", which processors find it by");
            }
        }
    }

    private void checkRelationships(String subject, VersionedProcessor processor, ExtensionSpec spec, ParameterUse parameterUse,
                                    List<VersionedConnection> outgoing, List<String> problems) {
        Map<String, String> resolved = new LinkedHashMap<>();
        if (processor.getProperties() != null) {
            processor.getProperties().forEach((name, value) -> resolved.put(name, parameterUse.resolve(value)));
        }
        Set<String> relationships = spec.relationships(resolved);
        Set<String> autoTerminated = processor.getAutoTerminatedRelationships() == null ? Set.of() : processor.getAutoTerminatedRelationships();
        Set<String> connected = new LinkedHashSet<>();
        outgoing.forEach(c -> connected.addAll(c.getSelectedRelationships()));
        for (String relationship : new TreeSet<>(relationships)) {
            if (!autoTerminated.contains(relationship) && !connected.contains(relationship)) {
                problems.add(subject + ": relationship '" + relationship + "' is neither connected nor auto-terminated; NiFi keeps the processor invalid");
            }
            if (autoTerminated.contains(relationship) && connected.contains(relationship)) {
                problems.add(subject + ": relationship '" + relationship + "' is both connected and auto-terminated");
            }
        }
        check(subject, "auto-terminates", autoTerminated, relationships, spec, problems);
        check(subject, "connects", connected, relationships, spec, problems);
        if (processor.getRetriedRelationships() != null) {
            check(subject, "retries", new HashSet<>(processor.getRetriedRelationships()), relationships, spec, problems);
        }
    }

    private static void check(String subject, String verb, Collection<String> named, Set<String> relationships, ExtensionSpec spec,
                              List<String> problems) {
        for (String name : new TreeSet<>(named)) {
            if (!relationships.contains(name)) {
                problems.add(subject + ": " + verb + " relationship '" + name + "', which " + spec.type()
                        + " does not have here (it has " + new TreeSet<>(relationships) + ")");
            }
        }
    }

    private static void checkConnections(VersionedProcessGroup group, List<String> problems) {
        Map<String, ConnectableComponentType> components = new HashMap<>();
        group.getProcessors().forEach(p -> components.put(p.getIdentifier(), ConnectableComponentType.PROCESSOR));
        group.getInputPorts().forEach(p -> components.put(p.getIdentifier(), ConnectableComponentType.INPUT_PORT));
        group.getOutputPorts().forEach(p -> components.put(p.getIdentifier(), ConnectableComponentType.OUTPUT_PORT));
        group.getFunnels().forEach(f -> components.put(f.getIdentifier(), ConnectableComponentType.FUNNEL));
        for (VersionedProcessGroup child : group.getProcessGroups()) {
            child.getInputPorts().forEach(p -> components.put(p.getIdentifier(), ConnectableComponentType.INPUT_PORT));
            child.getOutputPorts().forEach(p -> components.put(p.getIdentifier(), ConnectableComponentType.OUTPUT_PORT));
        }
        for (VersionedConnection connection : group.getConnections()) {
            String subject = "connection " + connection.getIdentifier() + " (" + endName(connection.getSource()) + " -> "
                    + endName(connection.getDestination()) + ")";
            checkEnd(subject, "source", connection.getSource(), components, problems);
            checkEnd(subject, "destination", connection.getDestination(), components, problems);
            if (connection.getSource() != null && connection.getSource().getType() == ConnectableComponentType.PROCESSOR
                    && (connection.getSelectedRelationships() == null || connection.getSelectedRelationships().isEmpty())) {
                problems.add(subject + ": selects no relationship of its source processor");
            }
        }
    }

    private static void checkEnd(String subject, String end, ConnectableComponent component, Map<String, ConnectableComponentType> components,
                                 List<String> problems) {
        if (component == null) {
            problems.add(subject + ": has no " + end);
            return;
        }
        ConnectableComponentType actual = components.get(component.getId());
        if (actual == null) {
            problems.add(subject + ": " + end + " " + component.getId() + " is not a component of the group");
        } else if (actual != component.getType()) {
            problems.add(subject + ": " + end + " " + component.getId() + " is a " + actual + ", not a " + component.getType());
        }
    }

    private static void checkUniqueIdentifiers(VersionedProcessGroup group, List<String> problems) {
        Set<String> seen = new HashSet<>();
        List<String> ids = new ArrayList<>();
        group.getProcessors().forEach(p -> ids.add(p.getIdentifier()));
        group.getControllerServices().forEach(s -> ids.add(s.getIdentifier()));
        group.getConnections().forEach(c -> ids.add(c.getIdentifier()));
        group.getLabels().forEach(l -> ids.add(l.getIdentifier()));
        for (String id : ids) {
            if (!seen.add(id)) {
                problems.add("group '" + group.getName() + "': identifier " + id + " is used by more than one component");
            }
        }
    }

    private static String endName(ConnectableComponent component) {
        return component == null ? "?" : component.getName();
    }

    private static boolean sameBundle(Bundle a, Bundle b) {
        return a != null && b != null && Objects.equals(a.getGroup(), b.getGroup()) && Objects.equals(a.getArtifact(), b.getArtifact())
                && Objects.equals(a.getVersion(), b.getVersion());
    }

    private static String describe(Bundle bundle) {
        return bundle == null ? "(none)" : bundle.getGroup() + ":" + bundle.getArtifact() + ":" + bundle.getVersion();
    }

    /** " (did you mean 'Topics'?)" when a declared property is within a few edits of the misspelt name. */
    private static String nearest(String name, List<PropertySpec> declared) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (PropertySpec p : declared) {
            int d = distance(name.toLowerCase(), p.name().toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = p.name();
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 4) ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
