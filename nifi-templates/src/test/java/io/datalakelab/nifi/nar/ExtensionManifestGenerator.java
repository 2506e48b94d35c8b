package io.datalakelab.nifi.nar;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.apache.nifi.components.ConfigurableComponent;
import org.apache.nifi.documentation.xml.XmlDocumentationWriter;

/**
 * Writes the NAR's {@code META-INF/docs/extension-manifest.xml}, from which NiFi 2 builds the documentation its UI
 * shows for each processor (properties, relationships, attributes). nifi-nar-maven-plugin writes this file too, but
 * its 2.x releases are Java 21 class files that Maven on JDK 17 cannot load. This is what the plugin does: nifi-api's
 * own {@link XmlDocumentationWriter} over each extension, in the same {@code extensionManifest} envelope.
 *
 * <p>It is build tooling, not part of the NAR: the build runs it at prepare-package on the Java 21+ JDK, with the test
 * class path (which holds nifi-api and the compiled processors).
 *
 * <p>Arguments: output file, processor service file ({@code META-INF/services/org.apache.nifi.processor.Processor}
 * of this module), NAR group, NAR id, NAR version, nifi-api version.
 */
public final class ExtensionManifestGenerator {

    private ExtensionManifestGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: ExtensionManifestGenerator <output> <processor-service-file> <nar-group> <nar-id> <nar-version> <nifi-api-version>");
        }
        Path output = Path.of(args[0]);
        List<String> processorClasses = extensionClassNames(Path.of(args[1]));
        if (processorClasses.isEmpty()) {
            throw new IllegalStateException(args[1] + " names no processor: the NAR would hold nothing for NiFi to load");
        }
        Files.createDirectories(output.getParent());
        try (OutputStream out = Files.newOutputStream(output)) {
            write(out, processorClasses, args[2], args[3], args[4], args[5]);
        }
        System.out.println("Wrote " + output + " documenting " + processorClasses);
    }

    /** The class names a {@code META-INF/services} file lists, without comments and blank lines. */
    static List<String> extensionClassNames(Path serviceFile) throws IOException {
        return Files.readAllLines(serviceFile, StandardCharsets.UTF_8).stream()
                .map(line -> line.replaceFirst("#.*", "").trim())
                .filter(line -> !line.isEmpty())
                .toList();
    }

    static void write(OutputStream out, List<String> processorClasses, String narGroup, String narId, String narVersion,
                      String nifiApiVersion) throws XMLStreamException, ReflectiveOperationException, IOException {
        XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(out, "UTF-8");
        xml.writeStartDocument("UTF-8", "1.0");
        xml.writeStartElement("extensionManifest");
        element(xml, "groupId", narGroup);
        element(xml, "artifactId", narId);
        element(xml, "version", narVersion);
        element(xml, "systemApiVersion", nifiApiVersion);
        xml.writeStartElement("extensions");
        for (String className : processorClasses.stream().sorted().toList()) {
            ConfigurableComponent component = (ConfigurableComponent) Class.forName(className).getDeclaredConstructor().newInstance();
            XmlDocumentationWriter writer = new XmlDocumentationWriter(xml);
            writer.initialize(component);
            writer.write(component);
        }
        xml.writeEndElement();
        xml.writeEndElement();
        xml.writeEndDocument();
        xml.close();
    }

    private static void element(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeStartElement(name);
        xml.writeCharacters(value);
        xml.writeEndElement();
    }
}
