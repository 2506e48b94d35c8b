package io.datalakelab.core.cli;

/**
 * A failure whose message tells the user what happened and what to do (a port in use, data of another
 * topology, a deadline passed). Commands print the message alone, without a stack trace, and exit 1.
 */
public class JobFailedException extends RuntimeException {

    public JobFailedException(String message) {
        super(message);
    }
}
