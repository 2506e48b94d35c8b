package io.datalakelab.nifi.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.nifi.flow.VersionedProcessor;
import org.apache.nifi.util.MockPropertyValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** {@code nifi-1.x/kafka-to-hdfs-template.xml}: well-formed, made of NiFi 1.28.1 extensions only, and wired and configured consistently. */
class NiFi1TemplateTest {

    private static CatalogueExtensions nifi1;
    private static Path templateFile;

    @BeforeAll
    static void load() throws IOException {
        nifi1 = new CatalogueExtensions(CatalogueExtensions.NIFI_1);
        templateFile = Path.of(System.getProperty("nifi-1.template", "nifi-1.x/kafka-to-hdfs-template.xml"));
    }

    private static List<String> problems(NiFi1Template template) {
        List<String> problems = new ArrayList<>(new FlowChecker(nifi1).check(template.snapshot));
        problems.addAll(template.templateProblems(nifi1));
        return problems;
    }

    private static Document document() throws IOException {
        try (InputStream in = Files.newInputStream(templateFile)) {
            return NiFi1Template.parse(in);
        }
    }

    @Test
    void isAWellFormedTemplateOfOneProcessGroup() throws IOException {
        Document document = document();

        assertThat(document.getDocumentElement().getTagName()).isEqualTo("template");
        assertThat(document.getDocumentElement().getAttribute("encoding-version")).isEqualTo("1.3");
        NiFi1Template template = NiFi1Template.read(document);
        assertThat(template.snapshot.getFlowContents().getProcessors()).hasSize(11);
        assertThat(template.variables).containsEntry("hdfs.root", "/datalake/raw-nifi").containsEntry("kafka.topics", "iot.sensor-readings");
    }

    @Test
    void passesEveryStructuralCheckAgainstNiFi1() throws IOException {
        assertThat(problems(NiFi1Template.read(templateFile))).isEmpty();
    }

    @Test
    void itsStandardProcessorsAreRegisteredInTheRealNiFi1Jar() throws IOException {
        Path jar = Path.of(System.getProperty("nifi-1.standard-processors.jar"));
        Set<String> registered;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry services = zip.getEntry("META-INF/services/org.apache.nifi.processor.Processor");
            try (InputStream in = zip.getInputStream(services)) {
                registered = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .map(l -> l.replaceFirst("#.*", "").trim()).filter(l -> !l.isEmpty()).collect(Collectors.toSet());
            }
        }
        Set<String> standardTypes = NiFi1Template.read(templateFile).snapshot.getFlowContents().getProcessors().stream()
                .filter(p -> p.getBundle().getArtifact().equals("nifi-standard-nar")).map(VersionedProcessor::getType)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(standardTypes).containsExactly("org.apache.nifi.processors.standard.EvaluateJsonPath",
                "org.apache.nifi.processors.standard.MergeContent", "org.apache.nifi.processors.standard.RouteOnAttribute");
        assertThat(registered).containsAll(standardTypes);
    }

    @Test
    void itsExpressionsPlaceAReadingInItsHourAndRejectBrokenOnes() throws IOException {
        NiFi1Template template = NiFi1Template.read(templateFile);
        Map<String, String> reading = new HashMap<>(template.variables);
        reading.putAll(Map.of("kafka.topic", "iot.sensor-readings", "reading.device.id", "thermo-1", "reading.device.type", "thermometer",
                "reading.site", "plant-a", "reading.event.time", Long.toString(Instant.parse("2026-11-23T23:59:59Z").toEpochMilli()),
                "reading.sequence", "7", "reading.values", "{\"temperature\":21.5}"));

        String directory = evaluate(template, "Partition directory", "hdfs.partition.dir", reading);
        assertThat(evaluate(template, "Write to HDFS", "Directory", Map.of("hdfs.root", template.variables.get("hdfs.root"),
                "hdfs.partition.dir", directory))).isEqualTo("/datalake/raw-nifi/iot.sensor-readings/dt=2026-11-23/hr=23");
        assertThat(contractHolds(template, reading)).isTrue();

        Map<String, String> noSequence = new HashMap<>(reading);
        noSequence.put("reading.sequence", "");
        assertThat(contractHolds(template, noSequence)).isFalse();
        Map<String, String> isoTime = new HashMap<>(reading);
        isoTime.put("reading.event.time", "2026-11-23T23:59:59Z");
        assertThat(contractHolds(template, isoTime)).isFalse();
    }

    private static boolean contractHolds(NiFi1Template template, Map<String, String> attributes) {
        VersionedProcessor contract = processor(template, "Check the reading contract");
        return contract.getProperties().entrySet().stream().filter(e -> !e.getKey().equals("Routing Strategy"))
                .allMatch(e -> Boolean.parseBoolean(new MockPropertyValue(e.getValue()).evaluateAttributeExpressions(attributes).getValue()));
    }

    private static String evaluate(NiFi1Template template, String processor, String property, Map<String, String> attributes) {
        return new MockPropertyValue(processor(template, processor).getProperties().get(property)).evaluateAttributeExpressions(attributes).getValue();
    }

    private static VersionedProcessor processor(NiFi1Template template, String name) {
        return template.snapshot.getFlowContents().getProcessors().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
    }

    // ---- each template check fails when it should

    private static Element processorElement(Document document, String name) {
        NodeList processors = document.getElementsByTagName("processors");
        for (int i = 0; i < processors.getLength(); i++) {
            Element p = (Element) processors.item(i);
            if (directChildText(p, "name").equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no processor " + name);
    }

    private static String directChildText(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent();
            }
        }
        return "";
    }

    private static Element propertyKey(Element processor, String key) {
        NodeList keys = processor.getElementsByTagName("key");
        for (int i = 0; i < keys.getLength(); i++) {
            if (keys.item(i).getTextContent().equals(key)) {
                return (Element) keys.item(i);
            }
        }
        throw new AssertionError("no property " + key);
    }

    @Test
    void aNiFi2OnlyProcessorIsReported() throws IOException {
        Document document = document();
        Element consume = processorElement(document, "Consume sensor readings");
        for (Node n = consume.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("type")) {
                e.setTextContent("org.apache.nifi.kafka.processors.ConsumeKafka");
            }
        }

        assertThat(problems(NiFi1Template.read(document))).contains("processor 'Consume sensor readings': type "
                + "org.apache.nifi.kafka.processors.ConsumeKafka is not an extension of NiFi 1.28.1 (not in nifi-1-catalogue.json)");
    }

    @Test
    void aNiFi2PropertyNameIsReported() throws IOException {
        Document document = document();
        propertyKey(processorElement(document, "Write to HDFS"), "writing-strategy").setTextContent("Writing Strategy");

        assertThat(problems(NiFi1Template.read(document))).containsExactly("processor 'Write to HDFS': 'Writing Strategy' is not a property of "
                + "org.apache.nifi.processors.hadoop.PutHDFS (did you mean 'writing-strategy'?) (and it accepts no user-defined properties)");
    }

    @Test
    void aRenamedKafkaPropertyShowsAsTheMissingRequiredOne() throws IOException {
        Document document = document();
        // ConsumeKafka_2_6 hands unknown keys to the Kafka client, so 'Topics' is legal there; the topic is then missing.
        propertyKey(processorElement(document, "Consume sensor readings"), "topic").setTextContent("Topics");

        assertThat(problems(NiFi1Template.read(document))).containsExactly("processor 'Consume sensor readings': required property 'topic' of "
                + "org.apache.nifi.processors.kafka.pubsub.ConsumeKafka_2_6 is not set");
    }

    @Test
    void anUnusedVariableIsReported() throws IOException {
        Document document = document();
        Node entry = propertyKey(processorElement(document, "Write to HDFS"), "Hadoop Configuration Resources").getParentNode();
        entry.getParentNode().removeChild(entry);

        assertThat(problems(NiFi1Template.read(document))).containsExactly(
                "variable 'hdfs.config.resources' of group 'Data Lake Lab - Kafka to HDFS (NiFi 1.x)' is defined but no property references it");
    }

    @Test
    void aRelationshipListNotMatchingTheTypeIsReported() throws IOException {
        Document document = document();
        Element put = processorElement(document, "Write to HDFS");
        Element extra = (Element) put.getElementsByTagName("relationships").item(0).cloneNode(true);
        extra.getElementsByTagName("name").item(0).setTextContent("retry");
        put.insertBefore(extra, put.getElementsByTagName("relationships").item(0));

        assertThat(problems(NiFi1Template.read(document))).contains("processor 'Write to HDFS': the template lists relationships "
                + "[failure, retry, success], org.apache.nifi.processors.hadoop.PutHDFS has [failure, success]");
    }

    @Test
    void xmlThatIsNotWellFormedIsRefused() {
        assertThatThrownBy(() -> NiFi1Template.parse(new ByteArrayInputStream("<template><snippet></template>".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class).hasMessageStartingWith("not well-formed XML");
    }
}
