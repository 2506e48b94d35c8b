package io.datalakelab.sink.layout;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Maps a time to its Hive-style time partition in the configured zone (UTC by default):
 * {@code dt=YYYY-MM-DD/hr=HH} hourly, {@code dt=YYYY-MM-DD} daily.
 */
public final class EventTimePartitioner {

    /** How much time one directory holds. */
    public enum Granularity {
        HOURLY("'dt='yyyy-MM-dd'/hr='HH", ChronoUnit.HOURS),
        DAILY("'dt='yyyy-MM-dd", ChronoUnit.DAYS);

        private final String pattern;
        private final ChronoUnit unit;

        Granularity(String pattern, ChronoUnit unit) {
            this.pattern = pattern;
            this.unit = unit;
        }
    }

    private final DateTimeFormatter format;
    private final ZoneId zone;
    private final Granularity granularity;

    public EventTimePartitioner(ZoneId zone) {
        this(zone, Granularity.HOURLY);
    }

    public EventTimePartitioner(ZoneId zone, Granularity granularity) {
        this.zone = zone;
        this.granularity = granularity;
        this.format = DateTimeFormatter.ofPattern(granularity.pattern).withZone(zone);
    }

    /** The last partition asked for: records mostly come in time order, so formatting is rarely needed. */
    private record Bucket(long start, long end, String name) {
    }

    private volatile Bucket last = new Bucket(0, 0, "");

    public String partitionOf(long epochMs) {
        return bucketOf(epochMs).name();
    }

    /** The first instant after the time partition holding {@code epochMs}. */
    public long endOf(long epochMs) {
        return bucketOf(epochMs).end();
    }

    private Bucket bucketOf(long epochMs) {
        Bucket bucket = last;
        if (epochMs >= bucket.start() && epochMs < bucket.end()) {
            return bucket;
        }
        ZonedDateTime start = Instant.ofEpochMilli(epochMs).atZone(zone).truncatedTo(granularity.unit);
        bucket = new Bucket(start.toInstant().toEpochMilli(), start.plus(1, granularity.unit).toInstant().toEpochMilli(),
                format.format(start));
        last = bucket;
        return bucket;
    }
}
