package io.datalakelab.rdbms;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.core.health.HealthCheck;
import io.datalakelab.core.health.HealthServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The service around a {@link PollingCapture}: health and metrics, a worker thread, and a clean stop on SIGTERM/SIGINT. */
final class PollingService {

    private static final Logger LOG = LoggerFactory.getLogger(PollingService.class);

    private PollingService() {
    }

    /** Polls until the process is told to stop; returns the exit code, or throws when polling failed. */
    static int run(CdcConfig config, PollingConfig polling) throws Exception {
        PrometheusMeterRegistry registry = HealthServer.newRegistry();
        try (PollingCapture capture = new PollingCapture(config, polling)) {
            FunctionCounter.builder("cdc.changes.published", capture, PollingCapture::changesPublished)
                    .description("change events committed to Kafka").tag("server", config.serverName()).register(registry);
            FunctionCounter.builder("cdc.dead.letters", capture, PollingCapture::deadLettered)
                    .description("rows sent to the dead-letter topic").tag("server", config.serverName()).register(registry);
            HealthServer health = config.healthPort() < 0 ? null : new HealthServer(config.healthHost(), config.healthPort(), registry);
            if (health != null) {
                health.register("polling", () -> capture.failure()
                        .map(e -> HealthCheck.Status.down("stopped: " + e.getMessage()))
                        .orElseGet(() -> HealthCheck.Status.up(capture.status())));
                LOG.info("health and metrics on http://{}:{}/health and /metrics", config.healthHost(), health.port());
            }
            Thread worker = new Thread(capture, "polling-capture");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                capture.close();
                try {
                    worker.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "polling-capture-shutdown"));
            LOG.info("polling {}:{} as server '{}' every {} into {}", config.host(), config.port(), config.serverName(), polling.interval(),
                    config.bootstrapServers());
            worker.start();
            worker.join();
            if (health != null) {
                health.close();
            }
            if (capture.failure().isPresent()) {
                throw new JobFailedException("polling stopped: " + capture.failure().get().getMessage());
            }
        }
        return Commands.OK;
    }
}
