package io.datalakelab.lab.observe;

import io.datalakelab.lab.Lab;
import io.datalakelab.lab.LabConfig;
import io.datalakelab.lab.process.ManagedProcess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service of the lab as the dashboard looks at it: its process, its port, how it reports (the platform's
 * {@code /health} + Prometheus {@code /metrics}, or Flume's JSON {@code /metrics}) and which of its numbers the page
 * shows.
 *
 * @param keyMetrics what the page shows, by meaning: a Prometheus sample name (summed over its labels, or the
 *                   largest with {@code max:} in front) or, for Flume, a JSON attribute of its components
 *                   ({@code SOURCE.EventAcceptedCount}, summed over the agent's sources)
 */
public record ObservedService(String name, String role, int port, Kind kind, ManagedProcess process, Map<String, String> keyMetrics) {

    public enum Kind {
        /** The platform's HealthServer: {@code /health} (JSON, 200 or 503) and Prometheus {@code /metrics}. */
        PLATFORM,
        /** Flume's HTTP monitoring: JSON {@code /metrics} only, no health endpoint. */
        FLUME
    }

    /** The services the lab can run, with the ports of {@code config}. */
    public static List<ObservedService> of(Lab lab) {
        LabConfig config = lab.config();
        List<ObservedService> out = new ArrayList<>();
        out.add(new ObservedService("hdfs-sink", "iot.sensor-readings -> HDFS", config.sinkHealthPort(), Kind.PLATFORM,
                lab.sink().process(), sinkMetrics()));
        out.add(new ObservedService("ingestion-rdbms", "MariaDB binlog -> rdbms.lab.<db>.<table>", config.cdcHealthPort(), Kind.PLATFORM,
                lab.cdc().process(), metrics("changes published", "cdc_changes_published_total", "dead letters", "cdc_dead_letters_total")));
        out.add(new ObservedService("hdfs-sink-rdbms", "rdbms.lab.* -> HDFS", config.rdbmsSinkHealthPort(), Kind.PLATFORM,
                lab.rdbmsSink().process(), sinkMetrics()));
        out.add(new ObservedService("speed-layer", "alerts and 1-minute aggregates", config.speedLayerHealthPort(), Kind.PLATFORM,
                lab.speedLayer().processes().get(0), metrics("readings", "speed_layer_readings_total", "alerts", "speed_layer_alerts_total",
                "dead letters", "speed_layer_dead_letters_total")));
        out.add(new ObservedService("mqtt-bridge", "MQTT -> iot.sensor-readings", config.mqttBridgeHealthPort(), Kind.PLATFORM,
                lab.mqtt().processes().get(1), metrics("forwarded", "mqtt_bridge_forwarded_total", "duplicates dropped",
                "mqtt_bridge_duplicates_dropped_total", "dead letters", "mqtt_bridge_dead_letters_total", "waiting for Kafka", "mqtt_bridge_unacknowledged")));
        out.add(new ObservedService("sensor-simulator", "lab simulate: a fleet -> Kafka, MQTT or Flume", config.simulatorHealthPort(),
                Kind.PLATFORM, null, metrics("readings sent", "simulator_readings_sent_total", "acknowledged",
                "simulator_readings_acknowledged_total", "failed", "simulator_readings_failed_total")));
        String[] flumeRoles = {"Avro RPC -> iot.sensor-readings", "Avro RPC -> iot.sensor-readings", "iot.sensor-readings -> HDFS "
                + config.flumeHdfsRoot(), "lab logs -> lab.logs"};
        List<ManagedProcess> agents = lab.flume().processes();
        for (int i = 0; i < agents.size(); i++) {
            out.add(new ObservedService(agents.get(i).name(), flumeRoles[i], config.flumeMonitoringPorts().get(i), Kind.FLUME, agents.get(i),
                    metrics("events in", "SOURCE.EventAcceptedCount", "events out", "SINK.EventDrainSuccessCount",
                            "channel fill %", "max:CHANNEL.ChannelFillPercentage")));
        }
        return out;
    }

    private static Map<String, String> sinkMetrics() {
        return metrics("records landed", "sink_records_committed_total", "files", "sink_files_committed_total",
                "lost", "sink_records_lost_total", "dead letters", "sink_dead_letters_total", "HDFS available", "sink_hdfs_available",
                "retention risk", "max:sink_retention_risk_ratio");
    }

    private static Map<String, String> metrics(String... meaningThenName) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < meaningThenName.length; i += 2) {
            out.put(meaningThenName[i], meaningThenName[i + 1]);
        }
        return out;
    }
}
