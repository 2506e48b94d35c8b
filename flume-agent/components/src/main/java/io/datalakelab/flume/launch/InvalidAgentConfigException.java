package io.datalakelab.flume.launch;

/** An agent configuration that Flume would start without some of its components, or not at all. */
public final class InvalidAgentConfigException extends RuntimeException {

    public InvalidAgentConfigException(String message) {
        super(message);
    }
}
