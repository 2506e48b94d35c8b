package io.datalakelab.rdbms;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.ServiceOptions;
import io.datalakelab.core.config.ConfigValues;
import io.datalakelab.core.health.HealthServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ingestion-rdbms}: captures MySQL/MariaDB row changes into Kafka until SIGTERM/SIGINT. */
@Command(name = "ingestion-rdbms", mixinStandardHelpOptions = true,
        description = "Streams committed row changes of MySQL/MariaDB tables from the binlog into rdbms.<server>.<db>.<table> topics.")
public final class CdcCommand implements Callable<Integer> {

    @Mixin
    ServiceOptions options;

    public static void main(String[] args) {
        Commands.runAndExit(new CdcCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        Optional<ConfigValues> values = options.loadToRun(CdcConfig.SPEC);
        if (values.isEmpty()) {
            return Commands.OK;
        }
        CdcConfig config = CdcConfig.from(values.get());
        if (PollingConfig.selected(values.get())) {
            return PollingService.run(config, PollingConfig.from(values.get()));
        }
        PrometheusMeterRegistry registry = HealthServer.newRegistry();
        try (ChangeCapture capture = new ChangeCapture(config)) {
            FunctionCounter.builder("cdc.changes.published", capture, ChangeCapture::changesPublished)
                    .description("change events committed to Kafka").tag("server", config.serverName()).register(registry);
            FunctionCounter.builder("cdc.dead.letters", capture, ChangeCapture::deadLettered)
                    .description("binlog events sent to the dead-letter topic").tag("server", config.serverName()).register(registry);
            return CaptureService.run(config, registry, capture, capture, "binlog",
                    () -> "committed up to " + capture.committedPosition().map(Object::toString).orElse("(starting)"), capture::failure,
                    "change capture");
        }
    }
}
