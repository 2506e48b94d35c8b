package io.datalakelab.iot.mqtt;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.core.cli.ServiceOptions;
import io.datalakelab.core.config.ConfigValues;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mqtt-bridge}: forwards readings from an MQTT broker into Kafka until stopped (SIGTERM/Ctrl-C stop it cleanly:
 * what Kafka has is acknowledged, the rest stays with the broker). Exits 1 if Kafka refuses a record.
 */
@Command(name = "mqtt-bridge", mixinStandardHelpOptions = true,
        description = "MQTT to Kafka bridge: readings published to <prefix>/<site>/<deviceId> (QoS 1) go to Kafka, acknowledged only once Kafka has them.",
        footer = "%nConfig keys are listed by --help-config; the module README has them too.")
public final class MqttBridgeCommand implements Callable<Integer> {

    @Mixin
    ServiceOptions options;

    public static void main(String[] args) {
        Commands.runAndExit(new MqttBridgeCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        Optional<ConfigValues> values = options.loadToRun(MqttBridgeConfig.SPEC);
        if (values.isEmpty()) {
            return Commands.OK;
        }
        MqttBridgeConfig config = MqttBridgeConfig.from(values.get());
        MqttBridge bridge;
        try {
            bridge = new MqttBridge(config).start();
        } catch (IllegalStateException unreachable) {
            // Kafka or the MQTT broker cannot be reached, or refused the subscription: the message says which and how.
            throw new JobFailedException(unreachable.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(bridge::close, "mqtt-bridge-shutdown"));
        System.err.printf("mqtt-bridge: forwarding %s on %s (session %s) to %s on %s%s%n", MqttTopics.subscription(config.mqttTopicPrefix()),
                config.mqttBroker(), config.mqttClientId(), config.topic().name(), config.bootstrapServers(),
                bridge.healthPort() < 0 ? "" : ", health on http://" + config.healthHost() + ":" + bridge.healthPort() + "/health");
        Throwable failure = bridge.awaitTermination();
        if (failure != null) {
            bridge.close();
            throw new JobFailedException(failure.getMessage());
        }
        return Commands.OK;
    }
}
