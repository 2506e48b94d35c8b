package io.datalakelab.lab.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One lab process: started detached from the terminal ({@code setsid}) so that it outlives the {@code lab}
 * command, with its output in {@code logs/<name>.log} and its pid in {@code run/<name>.pid}.
 */
public final class ManagedProcess {

    private final String name;
    private final Path pidFile;
    private final Path logFile;

    public ManagedProcess(LabState state, String name) {
        this.name = name;
        this.pidFile = state.runDir().resolve(name + ".pid");
        this.logFile = state.logDir().resolve(name + ".log");
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return logFile;
    }

    /** The pid of the running process, if the pid file names one that is alive. */
    public Optional<ProcessHandle> running() {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True when a pid file exists but its process is gone: the lab crashed or was killed. */
    public boolean isStale() {
        return Files.exists(pidFile) && running().isEmpty();
    }

    public void forgetStale() throws IOException {
        if (isStale()) {
            Files.delete(pidFile);
        }
    }

    /** Starts {@code command} detached, appending its output to the log. */
    public ProcessHandle start(List<String> command, Path workingDir) throws IOException {
        return start(command, workingDir, java.util.Map.of());
    }

    /** Starts {@code command} detached with {@code environment} added to the lab's, appending its output to the log. */
    public ProcessHandle start(List<String> command, Path workingDir, java.util.Map<String, String> environment) throws IOException {
        if (running().isPresent()) {
            throw new IllegalStateException(name + " is already running as pid " + running().get().pid());
        }
        Files.createDirectories(logFile.getParent());
        Files.createDirectories(pidFile.getParent());
        List<String> detached = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // A new session: Ctrl-C in the terminal that ran `lab up` does not reach the lab's processes.
            detached.add("/usr/bin/setsid");
        }
        detached.addAll(command);
        Files.writeString(logFile, "---- " + java.time.Instant.now() + " starting " + name + ": " + describe(command) + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(detached);
        builder.environment().putAll(environment);
        Process process = builder
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        Files.writeString(pidFile, Long.toString(process.pid()));
        return process.toHandle();
    }

    /** The command without its long classpath, for the log's header line. */
    private static String describe(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        int cp = shown.indexOf("-cp");
        if (cp >= 0 && cp + 1 < shown.size()) {
            shown.set(cp + 1, "<lab classpath>");
        }
        return String.join(" ", shown);
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. Returns true if it had to be killed. */
    public boolean stop(Duration grace) throws IOException {
        Optional<ProcessHandle> handle = running();
        boolean killed = false;
        if (handle.isPresent()) {
            handle.get().destroy();
            killed = !awaitExit(handle.get(), grace);
            if (killed) {
                handle.get().destroyForcibly();
                awaitExit(handle.get(), Duration.ofSeconds(10));
            }
        }
        Files.deleteIfExists(pidFile);
        return killed;
    }

    /** SIGKILL at once, as a crash would. */
    public void kill() throws IOException {
        Optional<ProcessHandle> handle = running();
        if (handle.isPresent()) {
            handle.get().destroyForcibly();
            awaitExit(handle.get(), Duration.ofSeconds(10));
        }
        Files.deleteIfExists(pidFile);
    }

    public static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        }
    }

    /** The last {@code lines} lines of the log, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }
}
