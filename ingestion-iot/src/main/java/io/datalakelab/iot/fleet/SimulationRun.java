package io.datalakelab.iot.fleet;

/**
 * One run of the fleet against an output: {@link SensorSimulator} into Kafka, or the MQTT publisher into a broker.
 * {@link SimulatorCommand} drives either the same way and prints the same report.
 */
public interface SimulationRun {

    Fleet fleet();

    /** Asks the run to end: the reading in hand is finished, offline buffers are flushed, acknowledgements awaited. */
    void stop();

    SimulationReport run() throws InterruptedException;
}
