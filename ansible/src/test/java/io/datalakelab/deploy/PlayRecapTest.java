package io.datalakelab.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlayRecapTest {

    @Test
    void readsEveryHostOfTheLastRecap() {
        String output = """
                PLAY [Base] ****
                TASK [common : Install] ****
                ok: [master]
                PLAY RECAP *********************************************************************
                master                     : ok=52   changed=3    unreachable=0    failed=0    skipped=4    rescued=0    ignored=0
                worker-1                   : ok=40   changed=0    unreachable=1    failed=2    skipped=6    rescued=0    ignored=0
                """;

        PlayRecap recap = PlayRecap.parse(output);

        assertThat(recap.hosts()).containsOnlyKeys("master", "worker-1");
        assertThat(recap.hosts().get("master")).isEqualTo(new PlayRecap.HostCounts(52, 3, 0, 0));
        assertThat(recap.changed()).isEqualTo(3);
        assertThat(recap.failedOrUnreachable()).isEqualTo(3);
    }

    @Test
    void anOutputWithoutRecapIsAnError() {
        assertThatThrownBy(() -> PlayRecap.parse("ERROR! the playbook could not be found"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("no PLAY RECAP");
    }
}
