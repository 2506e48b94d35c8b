package io.datalakelab.iot.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.iot.mqtt.ForwardedSequences.Verdict;
import org.junit.jupiter.api.Test;

class ForwardedSequencesTest {

    private static final long T = 1_767_225_600_000L;

    @Test
    void lateReplaysOutOfOrderAreNewAndEveryRedeliveryIsADuplicate() {
        ForwardedSequences forwarded = new ForwardedSequences(16);
        for (long seq : new long[] {1, 2, 6, 3, 5, 4, 7}) {
            assertThat(forwarded.check("d1", seq, T + seq)).as("#" + seq).isEqualTo(Verdict.NEW);
            forwarded.forwarded("d1", seq, T + seq);
        }
        for (long seq = 1; seq <= 7; seq++) {
            assertThat(forwarded.check("d1", seq, T + seq)).as("redelivered #" + seq).isEqualTo(Verdict.DUPLICATE);
        }
        assertThat(forwarded.check("d1", 8, T + 8)).isEqualTo(Verdict.NEW);
        assertThat(forwarded.check("d2", 1, T + 1)).as("another device").isEqualTo(Verdict.NEW);
    }

    @Test
    void aCounterThatStartsAgainWithLaterEventTimesIsNotTakenForRedeliveries() {
        ForwardedSequences forwarded = new ForwardedSequences(16);
        for (long seq = 1; seq <= 100; seq++) {
            forwarded.forwarded("d1", seq, T + seq * 1000);
        }
        long rerun = T + 1_000_000;
        assertThat(forwarded.check("d1", 1, rerun)).isEqualTo(Verdict.COUNTER_RESTARTED);
        forwarded.restart("d1");
        forwarded.forwarded("d1", 1, rerun);
        assertThat(forwarded.check("d1", 2, rerun + 1000)).isEqualTo(Verdict.NEW);
        assertThat(forwarded.check("d1", 1, rerun)).as("the new run's own redelivery").isEqualTo(Verdict.DUPLICATE);
    }

    @Test
    void aGapThatNeverFillsKeepsMemoryBoundedAndForgettingErrsTowardsADuplicateNotALoss() {
        ForwardedSequences forwarded = new ForwardedSequences(4);
        forwarded.forwarded("d1", 1, T + 1);
        for (long seq = 3; seq <= 10; seq++) { // #2 was lost upstream
            forwarded.forwarded("d1", seq, T + seq);
        }
        assertThat(forwarded.check("d1", 2, T + 2)).as("never forwarded, so never dropped").isEqualTo(Verdict.NEW);
        assertThat(forwarded.check("d1", 10, T + 10)).isEqualTo(Verdict.DUPLICATE);
        assertThat(forwarded.check("d1", 7, T + 7)).isEqualTo(Verdict.DUPLICATE);
        assertThat(forwarded.check("d1", 6, T + 6)).as("beyond the window: forwarded again").isEqualTo(Verdict.NEW);
        forwarded.forwarded("d1", 2, T + 2);
        assertThat(forwarded.check("d1", 2, T + 2)).as("the gap, filled late").isEqualTo(Verdict.DUPLICATE);
        assertThat(forwarded.check("d1", 9, T + 9)).isEqualTo(Verdict.DUPLICATE);
    }
}
