package io.datalakelab.nifi.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HourPartitionTest {

    @Test
    void eventTimeInUtcGivesTheLakesDirectories() {
        long eventTime = Instant.parse("2026-01-05T03:07:00Z").toEpochMilli();

        assertThat(HourPartition.of(eventTime, ZoneOffset.UTC).path()).isEqualTo("dt=2026-01-05/hr=03");
    }

    @Test
    void anotherTimeZoneMovesTheReadingAcrossMidnight() {
        long eventTime = Instant.parse("2026-01-05T03:07:00Z").toEpochMilli();

        assertThat(HourPartition.of(eventTime, ZoneId.of("America/New_York"))).isEqualTo(new HourPartition("2026-01-04", "22"));
    }

    @Test
    void theEpochIsHourZeroOfItsDay() {
        assertThat(HourPartition.of(0, ZoneOffset.UTC).path()).isEqualTo("dt=1970-01-01/hr=00");
    }
}
