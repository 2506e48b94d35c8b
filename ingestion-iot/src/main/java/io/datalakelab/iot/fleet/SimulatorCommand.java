package io.datalakelab.iot.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.ServiceOptions;
import io.datalakelab.core.config.ConfigValues;
import io.datalakelab.iot.flume.FlumeOutput;
import io.datalakelab.iot.mqtt.MqttOutput;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sensor-simulator}: runs the fleet against Kafka (or, with {@code output=mqtt}, an MQTT broker), prints
 * progress and a summary on stderr and the JSON report on stdout. Ctrl-C ends an unbounded run cleanly: buffers
 * flushed, every acknowledgement awaited.
 */
@Command(name = "sensor-simulator", mixinStandardHelpOptions = true,
        description = "Simulated sensor fleet: realistic signals, faults and late data, with per-device sequence numbers, into Kafka or an MQTT broker.",
        footer = "%nConfig keys are listed by --help-config; the module README has them too.")
public final class SimulatorCommand implements Callable<Integer> {

    @Mixin
    ServiceOptions options;

    public static void main(String[] args) {
        Commands.runAndExit(new SimulatorCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        Optional<ConfigValues> values = options.loadToRun(SimulatorConfig.SPEC);
        if (values.isEmpty()) {
            return Commands.OK;
        }
        return run(SimulatorConfig.from(values.get()));
    }

    /** Runs one simulation and reports it; the exit code is 1 when any record was not acknowledged. */
    public static int run(SimulatorConfig config) throws InterruptedException, java.io.IOException {
        SensorSimulator simulator = switch (config.output()) {
            case MQTT -> new SensorSimulator(config, System.err, new MqttOutput(config));
            case FLUME -> new SensorSimulator(config, System.err, new FlumeOutput(config.flume()));
            case KAFKA -> new SensorSimulator(config, System.err);
        };
        System.err.printf("sensor-simulator: %d devices at %s, rate %s (natural rate %,.1f readings/s), %s, to %s%n",
                simulator.fleet().devices().size(), String.join(",", config.fleet().sites().stream().map(SiteSpec::name).toList()),
                config.rate(), simulator.fleet().naturalRatePerSecond(),
                config.isBounded() ? (config.records() > 0 ? config.records() + " readings" : "") + (config.duration().isZero() ? "" : " for " + config.duration())
                        : "until Ctrl-C",
                switch (config.output()) {
                    case MQTT -> config.mqttBroker() + " (MQTT QoS " + config.mqttQos() + ")";
                    case FLUME -> "Flume agents " + String.join(",", config.flume().agents());
                    case KAFKA -> config.bootstrapServers();
                });
        io.datalakelab.core.health.HealthServer health = config.healthPort() < 0 ? null : healthServer(config, simulator);
        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            simulator.stop();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        SimulationReport report;
        try {
            report = simulator.run();
        } finally {
            if (health != null) {
                health.close();
            }
            finished.countDown();
        }
        System.err.print(report.toText());
        System.out.println(new ObjectMapper().writeValueAsString(report));
        System.out.flush();
        return report.failed() > 0 ? Commands.JOB_FAILED : Commands.OK;
    }

    /** How long records may wait for an acknowledgement before /health reports the output down. */
    static final long SILENT_OUTPUT_MS = 30_000;

    /**
     * /health and /metrics while the fleet runs: counters of what was sent, acknowledged and refused, and a check that
     * is DOWN while records wait for an acknowledgement that has not come for 30 s (Kafka, the MQTT broker or the Flume
     * agents out of reach).
     */
    private static io.datalakelab.core.health.HealthServer healthServer(SimulatorConfig config, SensorSimulator simulator) throws java.io.IOException {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = io.datalakelab.core.health.HealthServer.newRegistry();
        io.micrometer.core.instrument.FunctionCounter.builder("simulator.readings.sent", simulator, SensorSimulator::readingsSent)
                .description("Readings handed to the output").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("simulator.readings.acknowledged", simulator, SensorSimulator::readingsAcknowledged)
                .description("Readings the output acknowledged (Kafka acks=all, MQTT PUBACK, a Flume batch committed)").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("simulator.readings.failed", simulator, SensorSimulator::failures)
                .description("Records the output refused or never acknowledged").register(registry);
        long started = System.currentTimeMillis();
        io.datalakelab.core.health.HealthServer server = new io.datalakelab.core.health.HealthServer(config.healthHost(), config.healthPort(), registry);
        server.register("output", () -> {
            long waiting = simulator.readingsSent() - simulator.readingsAcknowledged() - simulator.failures();
            long lastAck = simulator.lastAcknowledgedEpochMs();
            long silentMs = System.currentTimeMillis() - (lastAck > 0 ? lastAck : started);
            String counts = simulator.readingsAcknowledged() + " acknowledged by " + simulator.destination() + ", " + simulator.failures() + " failed";
            return waiting > 0 && silentMs > SILENT_OUTPUT_MS
                    ? io.datalakelab.core.health.HealthCheck.Status.down(waiting + " readings waiting, nothing acknowledged for " + silentMs / 1000 + " s; " + counts)
                    : io.datalakelab.core.health.HealthCheck.Status.up(counts);
        });
        System.err.println("sensor-simulator: health and metrics on http://" + config.healthHost() + ":" + server.port() + "/health and /metrics");
        return server;
    }
}
