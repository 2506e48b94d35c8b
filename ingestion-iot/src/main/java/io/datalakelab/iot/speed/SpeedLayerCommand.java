package io.datalakelab.iot.speed;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.ServiceOptions;
import io.datalakelab.core.config.ConfigValues;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code speed-layer}: runs the Kafka Streams speed layer until stopped (SIGTERM/Ctrl-C close it cleanly). */
@Command(name = "speed-layer", mixinStandardHelpOptions = true,
        description = "Kafka Streams speed layer: alerts (weight > 80, BMI > 35, thresholds, anomalies, stuck sensors) and windowed aggregates.",
        footer = "%nConfig keys are listed by --help-config; the module README has them too.")
public final class SpeedLayerCommand implements Callable<Integer> {

    @Mixin
    ServiceOptions options;

    public static void main(String[] args) {
        Commands.runAndExit(new SpeedLayerCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        Optional<ConfigValues> values = options.loadToRun(SpeedLayerConfig.SPEC);
        if (values.isEmpty()) {
            return Commands.OK;
        }
        SpeedLayerConfig config = SpeedLayerConfig.from(values.get());
        CountDownLatch stopped = new CountDownLatch(1);
        SpeedLayer speedLayer = new SpeedLayer(config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            speedLayer.close();
            stopped.countDown();
        }, "speed-layer-shutdown"));
        speedLayer.awaitRunning(Instant.now().plusSeconds(120));
        System.err.printf("speed-layer: running, %s -> %s, %s, %s (%d rules)%n", config.inputTopic(), config.alertsTopic(),
                config.aggregatesTopic("device"), config.aggregatesTopic("site"), config.rules().rules().size());
        stopped.await();
        return Commands.OK;
    }
}
