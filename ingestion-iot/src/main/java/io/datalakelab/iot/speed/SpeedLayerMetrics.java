package io.datalakelab.iot.speed;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The speed layer's own counters (Kafka Streams' metrics are bound next to them). Under exactly-once a task that
 * is retried counts its records again: these count work done, the topics hold the results.
 */
final class SpeedLayerMetrics {

    private final MeterRegistry registry;
    private final Counter readings;
    private final Counter deadLetters;

    SpeedLayerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.readings = Counter.builder("speed_layer_readings_total").description("Readings decoded by the speed layer").register(registry);
        this.deadLetters = Counter.builder("speed_layer_dead_letters_total").description("Values that were not readings, sent to the DLQ").register(registry);
    }

    static SpeedLayerMetrics unregistered() {
        return new SpeedLayerMetrics(new SimpleMeterRegistry());
    }

    void readingProcessed() {
        readings.increment();
    }

    void deadLettered() {
        deadLetters.increment();
    }

    void alertRaised(String rule) {
        Counter.builder("speed_layer_alerts_total").description("Alerts raised, per rule").tag("rule", rule).register(registry).increment();
    }
}
