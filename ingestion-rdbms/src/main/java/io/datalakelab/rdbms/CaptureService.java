package io.datalakelab.rdbms;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.core.health.HealthCheck;
import io.datalakelab.core.health.HealthServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A capture (binlog or polling) run as a service: /health and /metrics, a worker thread, and a clean stop on
 * SIGTERM/SIGINT that lets the capture finish the Kafka transaction it is in.
 */
final class CaptureService {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureService.class);

    private CaptureService() {
    }

    /**
     * Runs {@code capture} until it stops or the process is told to stop; returns the exit code, or throws with the
     * capture's failure.
     *
     * @param check   the name of the health check ({@code binlog}, {@code polling})
     * @param status  what the health check says while the capture runs
     * @param failure why the capture stopped, if it failed
     */
    static int run(CdcConfig config, PrometheusMeterRegistry registry, Runnable capture, AutoCloseable stop, String check,
                   Supplier<String> status, Supplier<Optional<Exception>> failure, String what) throws Exception {
        HealthServer health = config.healthPort() < 0 ? null : new HealthServer(config.healthHost(), config.healthPort(), registry);
        if (health != null) {
            health.register(check, () -> failure.get()
                    .map(e -> HealthCheck.Status.down("stopped: " + e.getMessage()))
                    .orElseGet(() -> HealthCheck.Status.up(status.get())));
            LOG.info("health and metrics on http://{}:{}/health and /metrics", config.healthHost(), health.port());
        }
        Thread worker = new Thread(capture, check + "-capture");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.close();
                worker.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("stopping the capture failed: {}", e.getMessage());
            }
        }, check + "-capture-shutdown"));
        LOG.info("{} of {}:{} as server '{}' into {}", what, config.host(), config.port(), config.serverName(), config.bootstrapServers());
        worker.start();
        worker.join();
        if (health != null) {
            health.close();
        }
        if (failure.get().isPresent()) {
            throw new JobFailedException(what + " stopped: " + failure.get().get().getMessage());
        }
        return Commands.OK;
    }
}
