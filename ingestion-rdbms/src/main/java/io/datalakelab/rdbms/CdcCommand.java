package io.datalakelab.rdbms;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.core.cli.ServiceOptions;
import io.datalakelab.core.config.ConfigValues;
import io.datalakelab.core.health.HealthCheck;
import io.datalakelab.core.health.HealthServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ingestion-rdbms}: captures MySQL/MariaDB row changes into Kafka until SIGTERM/SIGINT. */
@Command(name = "ingestion-rdbms", mixinStandardHelpOptions = true,
        description = "Streams committed row changes of MySQL/MariaDB tables from the binlog into rdbms.<server>.<db>.<table> topics.")
public final class CdcCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(CdcCommand.class);

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
            HealthServer health = config.healthPort() < 0 ? null : new HealthServer(config.healthHost(), config.healthPort(), registry);
            if (health != null) {
                health.register("binlog", () -> capture.failure()
                        .map(e -> HealthCheck.Status.down("stopped: " + e.getMessage()))
                        .orElseGet(() -> HealthCheck.Status.up("committed up to " + capture.committedPosition().map(Object::toString).orElse("(starting)"))));
                LOG.info("health and metrics on http://{}:{}/health and /metrics", config.healthHost(), health.port());
            }
            Thread worker = new Thread(capture, "change-capture");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                capture.close();
                try {
                    worker.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "change-capture-shutdown"));
            LOG.info("capturing {}:{} as server '{}' into {}", config.host(), config.port(), config.serverName(), config.bootstrapServers());
            worker.start();
            worker.join();
            if (health != null) {
                health.close();
            }
            if (capture.failure().isPresent()) {
                throw new JobFailedException("change capture stopped: " + capture.failure().get().getMessage());
            }
        }
        return Commands.OK;
    }
}
