package io.datalakelab.core.cli;

import io.datalakelab.core.config.ConfigException;
import picocli.CommandLine;

/**
 * Runs a picocli command with the platform's exit codes: 0 the job succeeded, 1 the job failed,
 * 2 bad usage or bad configuration (the message names the key and what is allowed).
 */
public final class Commands {

    public static final int OK = 0;
    public static final int JOB_FAILED = 1;
    public static final int BAD_USAGE = 2;

    private Commands() {
    }

    public static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("config error: " + e.getMessage());
                return BAD_USAGE;
            }
            if (e instanceof JobFailedException) {
                commandLine.getErr().println(commandLine.getCommandName() + " failed: " + e.getMessage());
                return JOB_FAILED;
            }
            commandLine.getErr().println(commandLine.getCommandName() + " failed: " + e);
            e.printStackTrace(commandLine.getErr());
            return JOB_FAILED;
        });
        cli.setExitCodeExceptionMapper(e -> e instanceof ConfigException ? BAD_USAGE : JOB_FAILED);
        return cli;
    }

    /** Runs the command and exits the JVM with its exit code. */
    public static void runAndExit(Object command, String... args) {
        System.exit(commandLine(command).execute(args));
    }
}
