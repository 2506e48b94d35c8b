package io.datalakelab.iot.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.ServiceOptions;
import io.datalakelab.core.config.ConfigValues;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sensor-fleet}: sends N readings of a simulated fleet to Kafka and prints a JSON report on stdout. */
@Command(name = "sensor-fleet", mixinStandardHelpOptions = true,
        description = "Simulated sensor fleet: sends readings with per-device sequence numbers to Kafka.",
        footer = "%nConfig keys are listed by --help-config; the module README has them too.")
public final class SensorFleetCommand implements Callable<Integer> {

    @Mixin
    ServiceOptions options;

    public static void main(String[] args) {
        Commands.runAndExit(new SensorFleetCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        Optional<ConfigValues> values = options.loadToRun(SensorFleetConfig.SPEC);
        if (values.isEmpty()) {
            return Commands.OK;
        }
        FleetRunReport report = new SensorFleetProducer(SensorFleetConfig.from(values.get())).run();
        System.out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(report));
        if (report.failed() > 0) {
            System.err.println("sensor-fleet: " + report.failed() + " readings were not acknowledged; first error: " + report.firstError());
            return Commands.JOB_FAILED;
        }
        return Commands.OK;
    }
}
