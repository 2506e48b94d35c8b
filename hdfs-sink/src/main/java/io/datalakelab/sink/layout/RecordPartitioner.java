package io.datalakelab.sink.layout;

import io.datalakelab.sink.format.SinkValue;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where a record goes: optional {@code field=value} directories (in the configured order) followed by its
 * time partition. The time comes from the record's event-time field, its Kafka timestamp, or the wall
 * clock when the sink writes it.
 */
public final class RecordPartitioner {

    /** Which time decides a record's time partition. */
    public enum TimeSource {
        /** The value's event-time field (epoch ms): data lands where it happened, late data included. */
        EVENT_TIME,
        /** The Kafka record timestamp (producer or broker time). */
        RECORD_TIME,
        /** When the sink writes it. */
        WALL_CLOCK
    }

    /** A record the partitioner cannot place; the message names the field. */
    public static final class UnplaceableRecordException extends Exception {
        public UnplaceableRecordException(String message) {
            super(message);
        }
    }

    private final TimeSource timeSource;
    private final String eventTimeField;
    private final List<String> fields;
    private final EventTimePartitioner time;

    public RecordPartitioner(TimeSource timeSource, String eventTimeField, List<String> fields, EventTimePartitioner time) {
        this.timeSource = timeSource;
        this.eventTimeField = eventTimeField;
        this.fields = List.copyOf(fields);
        this.time = time;
    }

    /** The time that places {@code value}, epoch ms. */
    public long timeOf(SinkValue value, long recordTimestamp, long nowMs) throws UnplaceableRecordException {
        return switch (timeSource) {
            case EVENT_TIME -> value.epochMillis(eventTimeField).orElseThrow(
                    () -> new UnplaceableRecordException("field '" + eventTimeField + "' is missing or not epoch milliseconds"));
            case RECORD_TIME -> recordTimestamp;
            case WALL_CLOCK -> nowMs;
        };
    }

    /** The directories of {@code value} placed at {@code epochMs}, e.g. {@code site=lisbon/dt=2026-11-23/hr=09}. */
    public String directoriesOf(SinkValue value, long epochMs) throws UnplaceableRecordException {
        StringBuilder dirs = new StringBuilder();
        for (String field : fields) {
            String text = value.scalarText(field).orElseThrow(
                    () -> new UnplaceableRecordException("partition field '" + field + "' is missing or not a scalar"));
            dirs.append(field).append('=').append(escape(text)).append('/');
        }
        return dirs.append(time.partitionOf(epochMs)).toString();
    }

    /** The value fields this partitioner reads. */
    public java.util.Set<String> fieldsRead() {
        java.util.Set<String> read = new java.util.HashSet<>(fields);
        if (timeSource == TimeSource.EVENT_TIME) {
            read.add(eventTimeField);
        }
        return read;
    }

    public EventTimePartitioner time() {
        return time;
    }

    /** Hive's path escaping: anything but letters, digits and {@code ._-} becomes {@code %XX}. */
    static String escape(String value) {
        if (value.isEmpty()) {
            return "__HIVE_DEFAULT_PARTITION__";
        }
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
