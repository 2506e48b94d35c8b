package io.datalakelab.nifi.validation;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The Hive-style time partition of a reading, {@code dt=YYYY-MM-DD/hr=HH}, as the platform's HDFS layout places it:
 * by the reading's event time in a time zone (UTC by default), never by when it arrived.
 *
 * @param dt the day, {@code yyyy-MM-dd}
 * @param hr the hour of that day, {@code 00} to {@code 23}
 */
public record HourPartition(String dt, String hr) {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH");

    public static HourPartition of(long eventTimeMillis, ZoneId zone) {
        ZonedDateTime time = Instant.ofEpochMilli(eventTimeMillis).atZone(zone);
        return new HourPartition(DAY.format(time), HOUR.format(time));
    }

    /** The directories below a topic's directory, e.g. {@code dt=2026-11-23/hr=09}. */
    public String path() {
        return "dt=" + dt + "/hr=" + hr;
    }
}
