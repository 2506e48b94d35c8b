package io.datalakelab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The roles and playbooks pass yamllint and ansible-lint's production profile; the harness passes shellcheck. */
class AnsibleLintTest {

    private static final Path ANSIBLE_HOME = Path.of("").toAbsolutePath();
    private static final Path LOGS = ANSIBLE_HOME.resolve("target/lint");

    @Test
    void yamllintIsClean() throws Exception {
        Command.Result result = Command.of(ANSIBLE_HOME, "yamllint", "--strict", ".").run(Duration.ofMinutes(2), LOGS.resolve("yamllint.log"));
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void ansibleLintPassesTheProductionProfile() throws Exception {
        Command.Result result = Command.of(ANSIBLE_HOME, "ansible-lint", "--nocolor")
                .withEnvironment(Map.of("ANSIBLE_CONFIG", ANSIBLE_HOME.resolve("ansible.cfg").toString()))
                .run(Duration.ofMinutes(5), LOGS.resolve("ansible-lint.log"));
        assertThat(result.exitCode()).as(result.tail(40)).isZero();
        assertThat(result.output()).contains("Passed with production profile");
    }

    @Test
    void everyPlaybookPassesSyntaxCheck() throws Exception {
        for (String playbook : new String[] {"site.yml", "verify.yml"}) {
            Command.Result result = Command.of(ANSIBLE_HOME, "ansible-playbook", "--syntax-check", "-i", "inventories/example/hosts.yml", playbook)
                    .withEnvironment(Map.of("ANSIBLE_CONFIG", ANSIBLE_HOME.resolve("ansible.cfg").toString()))
                    .run(Duration.ofMinutes(2), LOGS.resolve("syntax-" + playbook + ".log"));
            assertThat(result.exitCode()).as(playbook + ":\n" + result.output()).isZero();
        }
    }

    @Test
    void theTestHarnessPassesShellcheck() throws Exception {
        Command.Result result = Command.of(ANSIBLE_HOME, "shellcheck", "tests/harness/node-image.sh", "tests/harness/test-cluster.sh")
                .run(Duration.ofMinutes(1), LOGS.resolve("shellcheck.log"));
        assertThat(result.exitCode()).as(result.output()).isZero();
    }
}
