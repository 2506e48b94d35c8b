package io.datalakelab.nifi.nar;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The NAR the build produced, opened the way NiFi opens it: its manifest, its bundled jars, its documentation, and
 * its processor loaded from the bundled jars alone, with only NiFi's API visible from outside.
 */
class NarPackagingIT {

    private static final String BUNDLED = "META-INF/bundled-dependencies/";

    private static Path nar;

    @BeforeAll
    static void locateNar() {
        nar = Path.of(System.getProperty("nar.file", "target/datalakelab-nifi-nar-" + System.getProperty("project.version") + ".nar"));
        assertThat(nar).as("the NAR built at package").exists();
    }

    @Test
    void manifestNamesTheBundleAsTheFlowsDo() throws IOException {
        try (JarFile jar = new JarFile(nar.toFile())) {
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertThat(manifest.getValue("Nar-Group")).isEqualTo("io.datalakelab");
            assertThat(manifest.getValue("Nar-Id")).isEqualTo("datalakelab-nifi-nar");
            assertThat(manifest.getValue("Nar-Version")).isEqualTo(System.getProperty("project.version"));
            // No parent NAR: the processor needs nothing of NiFi's beyond its API.
            assertThat(manifest.getValue("Nar-Dependency-Id")).isNull();
        }
    }

    @Test
    void bundlesTheCodecButNothingNiFiProvidesOrTheServicesNeed() throws IOException {
        List<String> jars = bundledJars();

        assertThat(jars).anyMatch(j -> j.startsWith("nifi-templates-")).anyMatch(j -> j.startsWith("platform-core-"))
                .anyMatch(j -> j.startsWith("avro-")).anyMatch(j -> j.startsWith("jackson-databind-"));
        assertThat(jars).noneMatch(j -> j.startsWith("nifi-api-") || j.startsWith("slf4j-") || j.startsWith("kafka-")
                || j.startsWith("picocli-") || j.startsWith("micrometer-") || j.startsWith("logback-"));
    }

    @Test
    void extensionManifestDocumentsTheProcessor() throws Exception {
        Document manifest;
        try (JarFile jar = new JarFile(nar.toFile());
             InputStream in = jar.getInputStream(jar.getEntry("META-INF/docs/extension-manifest.xml"))) {
            manifest = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        Element root = manifest.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("extensionManifest");
        assertThat(text(root, "artifactId")).isEqualTo("datalakelab-nifi-nar");
        assertThat(text(root, "systemApiVersion")).startsWith("2.");
        Element extension = (Element) root.getElementsByTagName("extension").item(0);
        assertThat(text(extension, "name")).isEqualTo("io.datalakelab.nifi.validation.ValidateSensorReading");
        assertThat(text(extension, "type")).isEqualTo("PROCESSOR");
        assertThat(names(extension, "property")).containsExactly("Reading Layout", "Reading Demarcator", "Maximum Reading Size", "Partition Time Zone");
        assertThat(names(extension, "relationship")).containsExactlyInAnyOrder("valid", "invalid");
        NodeList attributes = extension.getElementsByTagName("writesAttribute");
        assertThat(attributes.getLength()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void processorLoadedFromTheBundledJarsAloneValidatesReadings(@TempDir Path unpacked) throws Exception {
        List<URL> urls = new ArrayList<>();
        try (JarFile jar = new JarFile(nar.toFile())) {
            for (ZipEntry entry : jar.stream().filter(e -> e.getName().startsWith(BUNDLED) && e.getName().endsWith(".jar")).toList()) {
                Path target = unpacked.resolve(entry.getName().substring(BUNDLED.length()));
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                urls.add(target.toUri().toURL());
            }
        }
        // NiFi's NAR class loaders see the JDK, nifi-api and slf4j from above, and everything else from the NAR.
        ClassLoader niFiRoot = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.startsWith("org.apache.nifi.") || name.startsWith("org.slf4j.")) {
                    return NarPackagingIT.class.getClassLoader().loadClass(name);
                }
                throw new ClassNotFoundException(name + " is not visible to a NAR from NiFi's root class loader");
            }
        };
        try (URLClassLoader narLoader = new URLClassLoader(urls.toArray(URL[]::new), niFiRoot)) {
            List<Processor> processors = ServiceLoader.load(Processor.class, narLoader).stream()
                    .map(ServiceLoader.Provider::get).toList();
            assertThat(processors).hasSize(1);
            Processor processor = processors.get(0);
            assertThat(processor.getClass().getClassLoader()).isSameAs(narLoader);

            TestRunner runner = TestRunners.newTestRunner(processor);
            SensorReading reading = new SensorReading("thermo-9", "thermometer", "plant-b", 1_700_000_000_000L, 5, Map.of("temperature", 19.0));
            runner.enqueue(SensorReadingCodec.toAvroSingleObject(reading));
            runner.enqueue("{\"deviceId\":\"thermo-9\"}");
            runner.run(2);

            MockFlowFile valid = runner.getFlowFilesForRelationship("valid").get(0);
            valid.assertAttributeEquals("reading.device.id", "thermo-9");
            valid.assertAttributeEquals("reading.partition", "dt=2023-11-14/hr=22");
            MockFlowFile invalid = runner.getFlowFilesForRelationship("invalid").get(0);
            invalid.assertAttributeEquals("validation.reason", "field 'values' is missing or not an object");
        }
    }

    private static List<String> bundledJars() throws IOException {
        try (JarFile jar = new JarFile(nar.toFile())) {
            return jar.stream().map(ZipEntry::getName).filter(n -> n.startsWith(BUNDLED) && n.endsWith(".jar"))
                    .map(n -> n.substring(BUNDLED.length())).sorted().collect(Collectors.toList());
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }

    private static List<String> names(Element extension, String tag) {
        NodeList nodes = extension.getElementsByTagName(tag);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            names.add(text((Element) nodes.item(i), "name"));
        }
        return names;
    }
}
