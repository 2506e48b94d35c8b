package io.datalakelab.iot.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.ServiceOptions;
import io.datalakelab.core.config.ConfigValues;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sensor-fleet}: sends N readings of a simulated fleet to Kafka and prints a JSON report on stdout. */
@Command(name = "sensor-fleet", mixinStandardHelpOptions = true,
        description = "Simulated sensor fleet: sends readings with per-device sequence numbers to Kafka.",
        footer = "%nConfig keys are listed by --help-config.")
public final class SensorFleetCommand implements Callable<Integer> {

    @Mixin
    ServiceOptions options;

    @picocli.CommandLine.Option(names = "--help-config", description = "List every config key with its default and exit.")
    boolean helpConfig;

    public static void main(String[] args) {
        Commands.runAndExit(new SensorFleetCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (helpConfig) {
            System.out.print(SensorFleetConfig.SPEC.describeAsText());
            return Commands.OK;
        }
        ConfigValues values = options.load(SensorFleetConfig.SPEC);
        if (options.printConfigOnly()) {
            ServiceOptions.printConfig(values);
            return Commands.OK;
        }
        FleetRunReport report = new SensorFleetProducer(SensorFleetConfig.from(values)).run();
        System.out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(report));
        if (report.failed() > 0) {
            System.err.println("sensor-fleet: " + report.failed() + " readings were not acknowledged; first error: " + report.firstError());
            return Commands.JOB_FAILED;
        }
        return Commands.OK;
    }
}
