package io.datalakelab.sink.layout;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Maps an event time to its Hive-style partition directory, {@code dt=YYYY-MM-DD/hr=HH} in the configured
 * time zone (UTC by default).
 */
public final class EventTimePartitioner {

    private final DateTimeFormatter format;

    public EventTimePartitioner(ZoneId zone) {
        this.format = DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hr='HH").withZone(zone);
    }

    public String partitionOf(long eventTimeEpochMs) {
        return format.format(Instant.ofEpochMilli(eventTimeEpochMs));
    }
}
