package io.datalakelab.iot.speed;

import io.datalakelab.core.schema.SensorReading;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Runs the alert rules on each reading with the device's remembered state from the {@value #STORE} store. */
final class AlertProcessor implements Processor<String, SensorReading, String, Alert> {

    static final String STORE = "device-alert-state";

    private final AlertRules rules;
    private final SpeedLayerMetrics metrics;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, DeviceAlertState> states;

    AlertProcessor(AlertRules rules, SpeedLayerMetrics metrics) {
        this.rules = rules;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.states = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, SensorReading> record) {
        SensorReading reading = record.value();
        DeviceAlertState stored = states.get(reading.deviceId());
        DeviceAlertState state = stored == null ? DeviceAlertState.empty() : stored.mutableCopy();
        List<Alert> alerts = rules.evaluate(reading, state);
        states.put(reading.deviceId(), state);
        for (Alert alert : alerts) {
            metrics.alertRaised(alert.rule());
            context.forward(new Record<>(reading.deviceId(), alert, record.timestamp()));
        }
    }
}
