package io.datalakelab.iot.fleet;

/** The fleet file says something the simulator cannot use; the message names the file and the entry's path. */
public final class InvalidFleetException extends RuntimeException {

    public InvalidFleetException(String message) {
        super(message);
    }
}
