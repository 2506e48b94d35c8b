package io.datalakelab.sink;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.ServiceOptions;
import io.datalakelab.core.config.ConfigValues;
import io.datalakelab.core.health.HealthCheck;
import io.datalakelab.core.health.HealthServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hdfs-sink}: runs the sink until SIGTERM/SIGINT, then commits its open files and exits. */
@Command(name = "hdfs-sink", mixinStandardHelpOptions = true,
        description = "Consumes Kafka topics and lands them in HDFS, exactly once, as Hive-partitioned JSON-lines, Avro or Parquet files.")
public final class HdfsSinkCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(HdfsSinkCommand.class);

    @Mixin
    ServiceOptions options;

    public static void main(String[] args) {
        Commands.runAndExit(new HdfsSinkCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        Optional<ConfigValues> values = options.loadToRun(SinkConfig.SPEC);
        if (values.isEmpty()) {
            return Commands.OK;
        }
        SinkConfig config = SinkConfig.from(values.get());
        PrometheusMeterRegistry registry = HealthServer.newRegistry();
        try (HdfsSink sink = new HdfsSink(config, registry)) {
            HealthServer health = config.healthPort() < 0 ? null : new HealthServer(config.healthHost(), config.healthPort(), registry);
            if (health != null) {
                health.register("kafka-consumer", () -> {
                    long age = System.currentTimeMillis() - sink.lastPollEpochMs();
                    return age < 30_000 ? HealthCheck.Status.up("polled " + age + " ms ago")
                            : HealthCheck.Status.down("no poll for " + age + " ms");
                });
                health.register("hdfs", () -> sink.hdfsProblem()
                        .map(problem -> HealthCheck.Status.down(config.hdfsUri() + " unavailable, consumption paused: " + problem))
                        .orElseGet(() -> HealthCheck.Status.up(config.hdfsUri() + " accepting writes")));
                health.register("retention", () -> {
                    java.util.List<String> critical = sink.retentionRisks().values().stream()
                            .filter(r -> r.ratio() >= config.retentionCriticalRatio()).map(r -> r.describe()).toList();
                    return critical.isEmpty() ? HealthCheck.Status.up("every partition well within retention")
                            : HealthCheck.Status.down(String.join("; ", critical));
                });
                LOG.info("health and metrics on http://{}:{}/health and /metrics", config.healthHost(), health.port());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                sink.stop();
                try {
                    stopped.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "hdfs-sink-shutdown"));
            LOG.info("landing {} from {} into {}{}", config.topicsRegex().map(p -> "topics matching " + p).orElse(String.valueOf(config.topics())),
                    config.bootstrapServers(), config.hdfsUri(), config.hdfsRoot());
            try {
                sink.run();
            } finally {
                if (health != null) {
                    health.close();
                }
                stopped.countDown();
            }
        }
        return Commands.OK;
    }
}
