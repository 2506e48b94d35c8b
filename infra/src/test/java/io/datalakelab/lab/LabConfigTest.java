package io.datalakelab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.cli.Commands;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LabConfigTest {

    @Test
    void defaultsAreTheCoursesPorts() {
        LabConfig config = LabConfig.from(LabConfig.SPEC.load(null, Map.of(), List.of()));
        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092,localhost:9093,localhost:9094");
        assertThat(config.nameNodeHttpPort()).isEqualTo(9870);
        assertThat(config.databasePort()).isEqualTo(3306);
        assertThat(config.hdfsUri()).isEqualTo("hdfs://127.0.0.1:8020");
    }

    @Test
    void commandsAfterUpLookAtTheBrokerCountTheLabWasStartedWithUnlessToldOtherwise(@org.junit.jupiter.api.io.TempDir java.nio.file.Path state)
            throws Exception {
        java.util.Properties topology = new java.util.Properties();
        topology.setProperty("kafka.brokers", "1");
        topology.setProperty("hdfs.datanodes", "2");
        new io.datalakelab.lab.process.LabState(state).saveTopology(topology);

        assertThat(brokersSeenBy("check", "first-topic", "--state-dir", state.toString())).isEqualTo(1);
        assertThat(brokersSeenBy("check", "first-topic", "--state-dir", state.toString(), "--brokers", "3")).isEqualTo(3);
        assertThat(brokersSeenBy("check", "first-topic", "--state-dir", state.toString(), "--set", "kafka.brokers=2")).isEqualTo(2);
        assertThat(brokersSeenBy("check", "first-topic", "--state-dir", state.resolve("never-started").toString())).isEqualTo(3);
    }

    private static int brokersSeenBy(String... args) {
        CommandLine.ParseResult parsed = Commands.commandLine(new LabCommand()).parseArgs(args);
        LabCommand.Check check = (LabCommand.Check) parsed.subcommand().commandSpec().userObject();
        return check.options.lab().config().brokers();
    }

    @Test
    void oneBrokerLabUsesOnlyTheFirstPort() {
        LabConfig config = LabConfig.from(LabConfig.SPEC.load(null, Map.of(), List.of("kafka.brokers=1")));
        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
    }

    @Test
    void upWithTooManyBrokersExitsWithTwoNamingTheKeyAndTheRange() {
        StringWriter err = new StringWriter();
        CommandLine cli = Commands.commandLine(new LabCommand());
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("up", "--brokers", "5", "--state-dir", System.getProperty("java.io.tmpdir") + "/lab-config-test");
        assertThat(exit).isEqualTo(Commands.BAD_USAGE);
        assertThat(err.toString()).contains("kafka.brokers").contains("between 1 and 3");
    }

    @Test
    void aMisspeltPortKeyIsRejectedWithTheNearestName() {
        StringWriter err = new StringWriter();
        CommandLine cli = Commands.commandLine(new LabCommand());
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("up", "--set", "database.prot=3307", "--state-dir", System.getProperty("java.io.tmpdir") + "/lab-config-test");
        assertThat(exit).isEqualTo(Commands.BAD_USAGE);
        assertThat(err.toString()).contains("Did you mean 'database.port'");
    }
}
