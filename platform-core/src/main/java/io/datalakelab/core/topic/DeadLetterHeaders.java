package io.datalakelab.core.topic;

/**
 * The headers every service puts on a record it sends to a {@code <topic>.dlq}: why, and where the record came from,
 * so that an operator can find the original and replay it once the cause is fixed.
 */
public final class DeadLetterHeaders {

    /** Why the record could not be processed, e.g. {@code field 'values.temperature' is not a number}. */
    public static final String REASON = "dlq.reason";
    /** The Kafka topic, partition and offset the record was read from, when it was read from Kafka. */
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    /** Where the record came from when that was not Kafka, e.g. an MQTT topic or a Flume agent's source. */
    public static final String SOURCE = "dlq.source";
    /** The service that dead-lettered the record. */
    public static final String SERVICE = "dlq.service";

    private DeadLetterHeaders() {
    }
}
