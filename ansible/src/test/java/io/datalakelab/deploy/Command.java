package io.datalakelab.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One external command of the deployment tests (ansible-playbook, ansible-lint, the test-cluster script), run to
 * completion with a deadline; its combined output is kept in a log file, so that a failure can quote it.
 */
record Command(List<String> argv, Path workingDirectory, Map<String, String> environment) {

    record Result(int exitCode, String output, Path log) {

        /** The last lines of the output, for assertion messages. */
        String tail(int lines) {
            List<String> all = output.lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
    }

    static Command of(Path workingDirectory, String... argv) {
        return new Command(List.of(argv), workingDirectory, Map.of());
    }

    Command withEnvironment(Map<String, String> extra) {
        return new Command(argv, workingDirectory, extra);
    }

    Result run(Duration timeout, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", argv) + " (output in " + log + ")");
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), log);
    }

    /** True when {@code program} is on the PATH. */
    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
