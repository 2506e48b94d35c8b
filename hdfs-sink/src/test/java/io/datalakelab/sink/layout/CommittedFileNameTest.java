package io.datalakelab.sink.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CommittedFileNameTest {

    @Test
    void formatsAndParsesTheContractName() {
        CommittedFileName name = new CommittedFileName("iot.sensor-readings", 3, 1200, 2399, "jsonl");
        assertThat(name.format()).isEqualTo("iot.sensor-readings+3+1200+2399.jsonl");
        assertThat(CommittedFileName.parse(name.format())).contains(name);
        assertThat(name.nextOffset()).isEqualTo(2400);
        assertThat(name.span()).isEqualTo(1200);
    }

    @Test
    void temporaryAndForeignNamesAreNotCommittedFiles() {
        assertThat(CommittedFileName.parse("1200.8c9e.jsonl.tmp")).isEmpty();
        assertThat(CommittedFileName.parse("_SUCCESS")).isEmpty();
        assertThat(CommittedFileName.parse("t+1+9+3.jsonl")).as("end before start").isEmpty();
    }

    @Test
    void eventTimeMapsToHivePartitionsInTheConfiguredZone() {
        long t = 1_763_900_000_000L; // 2025-11-23T12:13:20Z
        assertThat(new EventTimePartitioner(ZoneId.of("UTC")).partitionOf(t)).isEqualTo("dt=2025-11-23/hr=12");
        assertThat(new EventTimePartitioner(ZoneId.of("America/Sao_Paulo")).partitionOf(t)).isEqualTo("dt=2025-11-23/hr=09");
    }
}
