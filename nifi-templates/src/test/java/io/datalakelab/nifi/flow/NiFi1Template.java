package io.datalakelab.nifi.flow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.nifi.flow.Bundle;
import org.apache.nifi.flow.ConnectableComponent;
import org.apache.nifi.flow.ConnectableComponentType;
import org.apache.nifi.flow.VersionedConnection;
import org.apache.nifi.flow.VersionedProcessGroup;
import org.apache.nifi.flow.VersionedProcessor;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshot;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A NiFi 1.x XML template (Upload Template) with one process group, read into NiFi 2's versioned-flow model so that
 * {@link FlowChecker} can check it against the 1.x extensions. What only templates have is kept beside it: the group's
 * variables (1.x templates carry no parameter contexts) and the relationships each processor lists.
 */
final class NiFi1Template {

    private static final Pattern VARIABLE_REFERENCE = Pattern.compile("\\$\\{\\s*([A-Za-z0-9._-]+)\\s*[:}]");

    final RegisteredFlowSnapshot snapshot;
    final Map<String, String> variables;
    /** For each processor name, the relationships the template lists for it (all of them, auto-terminated or not). */
    final Map<String, Set<String>> listedRelationships;

    private NiFi1Template(RegisteredFlowSnapshot snapshot, Map<String, String> variables, Map<String, Set<String>> listedRelationships) {
        this.snapshot = snapshot;
        this.variables = variables;
        this.listedRelationships = listedRelationships;
    }

    static Document parse(InputStream in) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(in);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    static NiFi1Template read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(parse(in));
        }
    }

    static NiFi1Template read(Document document) {
        Element template = document.getDocumentElement();
        if (!template.getTagName().equals("template")) {
            throw new IllegalArgumentException("root element is <" + template.getTagName() + ">, not <template>");
        }
        List<Element> groups = children(child(template, "snippet"), "processGroups");
        if (groups.size() != 1) {
            throw new IllegalArgumentException("the template should hold exactly one process group, it holds " + groups.size());
        }
        Element groupElement = groups.get(0);
        VersionedProcessGroup group = new VersionedProcessGroup();
        group.setIdentifier(text(groupElement, "id"));
        group.setName(text(groupElement, "name"));
        Element contents = child(groupElement, "contents");
        Map<String, Set<String>> listed = new LinkedHashMap<>();
        Set<VersionedProcessor> processors = new LinkedHashSet<>();
        for (Element p : children(contents, "processors")) {
            VersionedProcessor processor = new VersionedProcessor();
            processor.setIdentifier(text(p, "id"));
            processor.setName(text(p, "name"));
            processor.setType(text(p, "type"));
            Element b = child(p, "bundle");
            Bundle bundle = new Bundle();
            bundle.setGroup(text(b, "group"));
            bundle.setArtifact(text(b, "artifact"));
            bundle.setVersion(text(b, "version"));
            processor.setBundle(bundle);
            processor.setProperties(entries(child(child(p, "config"), "properties")));
            processor.setPropertyDescriptors(Map.of());
            Set<String> autoTerminated = new HashSet<>();
            Set<String> relationships = new TreeSet<>();
            for (Element r : children(p, "relationships")) {
                relationships.add(text(r, "name"));
                if ("true".equals(text(r, "autoTerminate"))) {
                    autoTerminated.add(text(r, "name"));
                }
            }
            processor.setAutoTerminatedRelationships(autoTerminated);
            processors.add(processor);
            listed.put(processor.getName(), relationships);
        }
        group.setProcessors(processors);
        Set<VersionedConnection> connections = new LinkedHashSet<>();
        for (Element c : children(contents, "connections")) {
            VersionedConnection connection = new VersionedConnection();
            connection.setIdentifier(text(c, "id"));
            connection.setSource(end(child(c, "source"), processors));
            connection.setDestination(end(child(c, "destination"), processors));
            Set<String> selected = new LinkedHashSet<>();
            children(c, "selectedRelationships").forEach(r -> selected.add(r.getTextContent()));
            connection.setSelectedRelationships(selected);
            connections.add(connection);
        }
        group.setConnections(connections);
        RegisteredFlowSnapshot snapshot = new RegisteredFlowSnapshot();
        snapshot.setFlowContents(group);
        snapshot.setParameterContexts(Map.of());
        Element variables = child(groupElement, "variables");
        return new NiFi1Template(snapshot, variables == null ? Map.of() : entries(variables), listed);
    }

    /** Problems that only a template can have: unused variables, relationship lists that differ from the type's. */
    List<String> templateProblems(Extensions extensions) {
        List<String> problems = new ArrayList<>();
        Set<String> referenced = new HashSet<>();
        for (VersionedProcessor processor : snapshot.getFlowContents().getProcessors()) {
            for (String value : processor.getProperties().values()) {
                if (value != null) {
                    Matcher m = VARIABLE_REFERENCE.matcher(value);
                    while (m.find()) {
                        referenced.add(m.group(1));
                    }
                }
            }
            extensions.find(processor.getType()).ifPresent(spec -> {
                Set<String> expected = new TreeSet<>(spec.relationships(processor.getProperties()));
                Set<String> listedHere = listedRelationships.get(processor.getName());
                if (!expected.equals(listedHere)) {
                    problems.add("processor '" + processor.getName() + "': the template lists relationships " + listedHere + ", "
                            + spec.type() + " has " + expected);
                }
            });
        }
        for (String variable : variables.keySet()) {
            if (!referenced.contains(variable)) {
                problems.add("variable '" + variable + "' of group '" + snapshot.getFlowContents().getName() + "' is defined but no property references it");
            }
        }
        return problems;
    }

    private static ConnectableComponent end(Element element, Set<VersionedProcessor> processors) {
        ConnectableComponent end = new ConnectableComponent();
        end.setId(text(element, "id"));
        end.setGroupId(text(element, "groupId"));
        end.setType(ConnectableComponentType.valueOf(text(element, "type")));
        processors.stream().filter(p -> p.getIdentifier().equals(end.getId())).findFirst().ifPresent(p -> end.setName(p.getName()));
        return end;
    }

    private static Map<String, String> entries(Element parent) {
        Map<String, String> map = new LinkedHashMap<>();
        if (parent != null) {
            for (Element entry : children(parent, "entry")) {
                Element value = child(entry, "value");
                map.put(text(entry, "key"), value == null ? null : value.getTextContent());
            }
        }
        return map;
    }

    private static Element child(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element parent, String tag) {
        Element e = child(parent, tag);
        return e == null ? null : e.getTextContent();
    }
}
