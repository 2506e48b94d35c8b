package io.datalakelab.nifi.stateless;

/**
 * The parent of every NAR class loader in the test, as NiFi's own root class loader is in a NiFi install: the JDK,
 * NiFi's classes and slf4j come from the application class path (so the engine and the extensions share them, and
 * the engine's in-memory flow registry is one class, not two); everything else an extension needs must come from its
 * NAR. nifi-stateless-bootstrap does the same with an allow list built from its lib directory.
 */
final class NiFiApiOnlyClassLoader extends ClassLoader {

    private final ClassLoader application;

    NiFiApiOnlyClassLoader(ClassLoader application) {
        super("nifi-root", ClassLoader.getPlatformClassLoader());
        this.application = application;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (name.startsWith("org.apache.nifi.") || name.startsWith("org.slf4j.")) {
            return application.loadClass(name);
        }
        throw new ClassNotFoundException(name + " is not visible from NiFi's root class loader: a NAR must bundle it");
    }

    @Override
    public java.net.URL getResource(String name) {
        java.net.URL platform = super.getResource(name);
        if (platform != null) {
            return platform;
        }
        return name.startsWith("org/apache/nifi/") || name.startsWith("org/slf4j/") ? application.getResource(name) : null;
    }
}
