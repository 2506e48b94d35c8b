package io.datalakelab.rdbms;

import io.datalakelab.core.health.HealthServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The service around a {@link PollingCapture}: health and metrics, a worker thread, and a clean stop on SIGTERM/SIGINT. */
final class PollingService {

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
            return CaptureService.run(config, registry, capture, capture, "polling", capture::status, capture::failure,
                    "polling every " + polling.interval());
        }
    }
}
