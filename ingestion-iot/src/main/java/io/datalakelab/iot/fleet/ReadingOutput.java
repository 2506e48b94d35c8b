package io.datalakelab.iot.fleet;

import java.util.function.Consumer;

/**
 * Where the simulator's producer threads send: Kafka ({@link KafkaOutput}) or an MQTT broker
 * ({@code io.datalakelab.iot.mqtt.MqttOutput}). {@link SensorSimulator} owns the fleet, the pacing, the counting
 * and the report; an output only moves bytes and says when the destination answered.
 */
public interface ReadingOutput {

    /** What the report names as the destination, e.g. the topic. */
    String destination();

    /** Called once before the threads start: create the topic, check the names the fleet's devices will use. */
    default void prepare(Fleet fleet) throws Exception {
    }

    /** The connection of one producer thread. */
    Channel open(int worker) throws Exception;

    interface Channel extends AutoCloseable {

        /**
         * Sends one record keyed by the device id; may block while the destination is slow or away. {@code answered}
         * is called once, from any thread, with {@code null} when the destination acknowledged and the error otherwise.
         */
        void send(Emission emission, byte[] value, Consumer<Throwable> answered) throws Exception;

        /** Waits for the answers to every send; returns how many never came (they count as failed). */
        long finish() throws Exception;

        @Override
        void close();
    }
}
