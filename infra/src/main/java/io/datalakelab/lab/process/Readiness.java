package io.datalakelab.lab.process;

import io.datalakelab.core.cli.JobFailedException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** Polls a readiness check until it passes, a watched process dies, or the deadline passes. Never a blind sleep. */
public final class Readiness {

    private Readiness() {
    }

    public static void await(String what, Instant deadline, List<ManagedProcess> watched, Callable<Boolean> ready) throws InterruptedException {
        Exception lastError = null;
        while (true) {
            try {
                if (ready.call()) {
                    return;
                }
            } catch (Exception e) {
                lastError = e;
            }
            for (ManagedProcess process : watched) {
                if (process.running().isEmpty()) {
                    throw new JobFailedException(process.name() + " exited while waiting for " + what + "; last lines of "
                            + process.logFile() + ":\n" + process.tail(25));
                }
            }
            if (Instant.now().isAfter(deadline)) {
                StringBuilder message = new StringBuilder("timed out waiting for " + what);
                if (lastError != null) {
                    message.append(" (last error: ").append(lastError.getMessage()).append(')');
                }
                for (ManagedProcess process : watched) {
                    message.append("\nlast lines of ").append(process.logFile()).append(":\n").append(process.tail(10));
                }
                throw new JobFailedException(message.toString());
            }
            Thread.sleep(200);
        }
    }
}
