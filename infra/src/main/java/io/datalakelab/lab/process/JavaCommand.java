package io.datalakelab.lab.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Command lines for the lab's JVMs: the same JDK and the same pinned jars as the {@code lab} command itself. */
public final class JavaCommand {

    /** Set by the {@code lab} script to the full runtime classpath of the infra module. */
    public static final String CLASSPATH_PROPERTY = "lab.classpath";

    private JavaCommand() {
    }

    public static String classpath() {
        return System.getProperty(CLASSPATH_PROPERTY, System.getProperty("java.class.path"));
    }

    /**
     * The class-data archive of one lab process: the classes it loaded, saved when it exits and mapped
     * at its next start (AppCDS), which spares most of the class loading of a warm {@code lab up}. The
     * name carries a hash of the JDK and classpath, so a rebuild with other jars starts a new archive.
     */
    public static Path classDataArchive(LabState state, String processName) {
        String fingerprint = Integer.toHexString((System.getProperty("java.vm.version") + classpath()).hashCode());
        return state.dir("class-data").resolve(processName + "-" + fingerprint + ".jsa").toAbsolutePath();
    }

    /**
     * @param heap             -Xmx value, e.g. 256m
     * @param classDataArchive where the process's AppCDS archive is (used if present, written at exit if not), or empty
     */
    public static List<String> of(String heap, Optional<Path> classDataArchive, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms32m");
        command.add("-Xmx" + heap);
        // Small, steady footprint for a laptop lab: one GC thread, and C1 only: a lab JVM boots with a
        // fraction of the JIT work, which is what a 2-core machine starting six JVMs at once runs short of.
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:-UsePerfData");
        command.add("-Xss512k");
        command.add("-Djava.net.preferIPv4Stack=true");
        if (classDataArchive.isPresent()) {
            Path archive = classDataArchive.get();
            try {
                Files.createDirectories(archive.getParent());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot create " + archive.getParent(), e);
            }
            command.add(Files.exists(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + archive);
            // A mismatched or missing archive only costs speed: say nothing about it in the component's log.
            command.add("-Xlog:cds=off");
            command.add("-Xlog:cds+dynamic=off");
        }
        command.add("-cp");
        command.add(classpath());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
