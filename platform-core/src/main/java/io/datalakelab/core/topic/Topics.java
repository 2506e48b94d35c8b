package io.datalakelab.core.topic;

import java.util.regex.Pattern;

/** Topic names of the platform's contracts. Every name is a default that services let users override. */
public final class Topics {

    public static final String SENSOR_READINGS = "iot.sensor-readings";
    public static final String ALERTS = "iot.alerts";
    public static final String AGGREGATES_PREFIX = "iot.aggregates.";
    public static final String DLQ_SUFFIX = ".dlq";

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private Topics() {
    }

    /** Where records of {@code topic} go when they cannot be processed. */
    public static String deadLetterQueueOf(String topic) {
        return topic + DLQ_SUFFIX;
    }

    /** The change-event topic of one table: {@code rdbms.<server>.<db>.<table>}. */
    public static String changeEventsOf(String server, String database, String table) {
        return requireLegal("rdbms." + server + "." + database + "." + table);
    }

    public static String aggregates(String window) {
        return requireLegal(AGGREGATES_PREFIX + window);
    }

    public static String requireLegal(String topic) {
        if (!LEGAL.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("'" + topic + "' is not a legal Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
        }
        return topic;
    }
}
