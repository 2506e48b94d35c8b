package io.datalakelab.lab.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
     * @param heap       -Xmx value, e.g. 256m
     * @param firstOnCp  directories put before the jars (a Hadoop conf dir), or none
     */
    public static List<String> of(String heap, List<Path> firstOnCp, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms32m");
        command.add("-Xmx" + heap);
        // Small, steady footprint for a laptop lab: one GC thread and no parallel compile storms.
        command.add("-XX:+UseSerialGC");
        // C1 only: a lab JVM boots with a fraction of the JIT work, which is what a 2-core laptop starting
        // six JVMs at once runs short of; the lab moves thousands, not millions, of records per second.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:-UsePerfData");
        command.add("-Xss512k");
        command.add("-Djava.net.preferIPv4Stack=true");
        StringBuilder cp = new StringBuilder();
        for (Path dir : firstOnCp) {
            cp.append(dir.toAbsolutePath()).append(':');
        }
        cp.append(classpath());
        command.add("-cp");
        command.add(cp.toString());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
