package io.datalakelab.nifi.flow;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.nifi.flow.Bundle;

/**
 * Every extension a flow may use: the real classes of the targeted NiFi release where Maven Central has them, the
 * catalogue where it does not. A type in both would let the catalogue shadow the truth, so that is refused.
 */
final class NiFiExtensions implements Extensions {

    private final String nifiVersion;
    private final Bundle ownBundle;
    private final ClasspathExtensions classpath;
    private final CatalogueExtensions catalogue;

    private NiFiExtensions(String nifiVersion, Bundle ownBundle, ClasspathExtensions classpath, CatalogueExtensions catalogue) {
        this.nifiVersion = nifiVersion;
        this.ownBundle = ownBundle;
        this.classpath = classpath;
        this.catalogue = catalogue;
    }

    /**
     * The extensions of the NiFi release named by the {@code nifi.version} system property (set by the build) and the
     * NAR this module builds ({@code io.datalakelab:datalakelab-nifi-nar:<project.version>}).
     */
    static NiFiExtensions forBuild() throws IOException {
        String nifiVersion = requiredProperty("nifi.version");
        Bundle own = ClasspathExtensions.bundleOf("io.datalakelab", "datalakelab-nifi-nar", requiredProperty("project.version"));
        ClasspathExtensions classpath = new ClasspathExtensions(nifiVersion, own);
        CatalogueExtensions catalogue = new CatalogueExtensions(CatalogueExtensions.NIFI_2);
        Set<String> both = new TreeSet<>(classpath.types());
        both.retainAll(catalogue.types());
        if (!both.isEmpty()) {
            throw new IllegalStateException("nifi-2-catalogue.json describes types whose classes are on the class path: " + both
                    + "; remove them from the catalogue");
        }
        if (!nifiVersion.equals(catalogue.nifiVersion())) {
            throw new IllegalStateException("nifi-2-catalogue.json describes NiFi " + catalogue.nifiVersion() + " but the build targets " + nifiVersion);
        }
        return new NiFiExtensions(nifiVersion, own, classpath, catalogue);
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set; the build's surefire configuration sets it");
        }
        return value;
    }

    @Override
    public String nifiVersion() {
        return nifiVersion;
    }

    @Override
    public String sources() {
        return "neither a class of the standard jars nor in nifi-2-catalogue.json";
    }

    Bundle ownBundle() {
        return ownBundle;
    }

    @Override
    public Optional<ExtensionSpec> find(String type) {
        Optional<ExtensionSpec> real = classpath.find(type);
        return real.isPresent() ? real : catalogue.find(type);
    }

    Set<String> catalogueTypes() {
        return catalogue.types();
    }

    Set<String> classpathTypes() {
        return classpath.types();
    }
}
