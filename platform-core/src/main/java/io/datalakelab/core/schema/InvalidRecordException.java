package io.datalakelab.core.schema;

/** A record that does not fit its schema. The message says which field and why; callers add topic, partition and offset. */
public final class InvalidRecordException extends RuntimeException {

    public InvalidRecordException(String message) {
        super(message);
    }

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
