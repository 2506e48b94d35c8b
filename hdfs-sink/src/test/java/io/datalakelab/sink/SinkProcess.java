package io.datalakelab.sink;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the sink in its own JVM, so that a test can kill it with SIGKILL as a crash would. */
final class SinkProcess {

    private SinkProcess() {
    }

    static Process start(List<String> args) throws IOException {
        // Surefire and Failsafe hide the real classpath behind a manifest-only jar; they publish it here.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp", classpath,
                HdfsSinkCommand.class.getName()));
        command.addAll(args);
        Path log = Files.createTempFile("hdfs-sink-", ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
