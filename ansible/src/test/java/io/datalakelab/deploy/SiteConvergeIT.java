package io.datalakelab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * site.yml against one master and two workers that boot real systemd (tests/harness/test-cluster.sh), in
 * Molecule's sequence: converge, idempotence (a second run changes nothing), verify (verify.yml: 3 brokers, 2 live
 * DataNodes, readings produced into Kafka land in HDFS exactly once, every service healthy), destroy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SiteConvergeIT {

    private static final Path ANSIBLE_HOME = Path.of("").toAbsolutePath();
    private static final Path HARNESS = ANSIBLE_HOME.resolve("tests/harness/test-cluster.sh");
    private static final int WORKERS = 2;

    private Path work;
    private Path vaultPassword;

    @BeforeAll
    void bootTheNodes() throws Exception {
        List<String> missing = Stream.of("ansible-playbook", "ansible-vault", "systemd-nspawn", "mmdebstrap", "ip", "ssh")
                .filter(program -> !Command.onPath(program)).toList();
        assertThat(missing).as("programs the deployment test needs (README set-up line: ansible systemd-container mmdebstrap "
                + "openssh-client iproute2)").isEmpty();
        assertThat(Files.isRegularFile(ANSIBLE_HOME.resolve("target/datalake-bundle.tar"))).as("the bundle `package` builds").isTrue();

        work = ANSIBLE_HOME.resolve("target/site-it");
        run(Duration.ofMinutes(2), "down", HARNESS.toString(), "down", work.toString());
        Command.Result up = run(Duration.ofMinutes(15), "up", HARNESS.toString(), "up", work.toString(), Integer.toString(WORKERS));
        assertThat(up.exitCode()).as("test-cluster.sh up:\n" + up.tail(30)).isZero();

        Path groupVars = work.resolve("group_vars/all");
        Files.createDirectories(groupVars);
        Files.copy(ANSIBLE_HOME.resolve("tests/group_vars/all/test-nodes.yml"), groupVars.resolve("test-nodes.yml"),
                StandardCopyOption.REPLACE_EXISTING);
        writeEncryptedVault(groupVars.resolve("vault.yml"));
    }

    @AfterAll
    void destroyTheNodes() throws Exception {
        if (work != null) {
            run(Duration.ofMinutes(2), "down", HARNESS.toString(), "down", work.toString());
        }
    }

    @Test
    @Order(1)
    void siteConvergesOnEveryNode() throws Exception {
        Command.Result converge = playbook("converge", "site.yml");

        PlayRecap recap = PlayRecap.parse(converge.output());
        assertThat(recap.hosts()).as(converge.tail(40)).containsOnlyKeys("master", "worker-1", "worker-2");
        assertThat(recap.failedOrUnreachable()).as(converge.tail(40)).isZero();
        assertThat(converge.exitCode()).as(converge.tail(40)).isZero();
        assertThat(recap.changed()).as("a first run installs and starts things").isPositive();
    }

    @Test
    @Order(2)
    void aSecondRunChangesNothing() throws Exception {
        Command.Result again = playbook("idempotence", "site.yml");

        PlayRecap recap = PlayRecap.parse(again.output());
        assertThat(again.exitCode()).as(again.tail(40)).isZero();
        assertThat(recap.hosts()).hasSize(1 + WORKERS);
        assertThat(recap.hosts()).as("tasks that changed something on the second run:\n" + changedTasks(again.output()))
                .allSatisfy((host, counts) -> assertThat(counts.changed()).isZero());
    }

    @Test
    @Order(3)
    void theClusterCarriesReadingsFromKafkaToHdfs() throws Exception {
        Path report = work.resolve("verify-report.json");
        Files.deleteIfExists(report);

        Command.Result verify = playbook("verify", "verify.yml", "-e", "verify_report=" + report);

        assertThat(verify.exitCode()).as(verify.tail(40)).isZero();
        JsonNode numbers = new ObjectMapper().readTree(report.toFile());
        assertThat(numbers.get("brokers")).as("broker ids in the cluster metadata").hasSize(1 + WORKERS);
        assertThat(numbers.get("brokers").toString()).isEqualTo("[1,2,3]");
        assertThat(numbers.get("live_datanodes").asInt()).isEqualTo(WORKERS);
        JsonNode audit = numbers.get("audit");
        long produced = numbers.get("produced").asLong();
        assertThat(produced).isPositive();
        assertThat(audit.get("records").asLong()).as("readings of the verify site in HDFS: " + audit).isEqualTo(produced);
        assertThat(audit.get("lost").asLong()).isZero();
        assertThat(audit.get("duplicated").asLong()).isZero();
        assertThat(numbers.get("health").properties()).as("services' /health").hasSize(4)
                .allSatisfy(entry -> assertThat(entry.getValue().asInt()).as(entry.getKey()).isEqualTo(200));
    }

    private Command.Result playbook(String step, String playbook, String... extra) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(HARNESS.toString(), "hub", work.toString(), "ansible-playbook",
                "-i", work.resolve("inventory.yml").toString(), "--vault-password-file", vaultPassword.toString(), playbook));
        argv.addAll(List.of(extra));
        return Command.of(ANSIBLE_HOME, argv.toArray(String[]::new))
                .withEnvironment(Map.of("ANSIBLE_CONFIG", ANSIBLE_HOME.resolve("ansible.cfg").toString(), "ANSIBLE_NOCOLOR", "1",
                        "ANSIBLE_FORCE_COLOR", "0"))
                .run(Duration.ofMinutes(20), work.resolve("logs/" + step + ".log"));
    }

    private Command.Result run(Duration timeout, String step, String... argv) throws IOException, InterruptedException {
        return Command.of(ANSIBLE_HOME, argv).run(timeout, ANSIBLE_HOME.resolve("target/site-it-logs/" + step + ".log"));
    }

    /** Secrets go through ansible-vault here as on a real cluster: a random password, encrypted at rest. */
    private void writeEncryptedVault(Path vaultFile) throws IOException, InterruptedException {
        SecureRandom random = new SecureRandom();
        vaultPassword = work.resolve("vault-password");
        Files.writeString(vaultPassword, randomText(random, 32) + "\n");
        Files.writeString(vaultFile, "---\nvault_mysql_cdc_password: " + randomText(random, 24) + "\n");
        Command.Result encrypt = Command.of(ANSIBLE_HOME, "ansible-vault", "encrypt", "--vault-password-file", vaultPassword.toString(),
                vaultFile.toString()).run(Duration.ofMinutes(1), work.resolve("logs/vault.log"));
        assertThat(encrypt.exitCode()).as(encrypt.output()).isZero();
        assertThat(Files.readString(vaultFile)).startsWith("$ANSIBLE_VAULT;");
    }

    private static String randomText(SecureRandom random, int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** The TASK headers followed by a "changed:" line, for the idempotence failure message. */
    private static String changedTasks(String output) {
        StringBuilder out = new StringBuilder();
        String task = "";
        for (String line : output.lines().toList()) {
            if (line.startsWith("TASK [")) {
                task = line;
            } else if (line.startsWith("changed:")) {
                out.append(task).append("\n  ").append(line).append('\n');
            }
        }
        return out.toString();
    }
}
