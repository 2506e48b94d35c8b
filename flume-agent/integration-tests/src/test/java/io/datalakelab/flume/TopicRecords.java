package io.datalakelab.flume;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The sensor readings among records the agents delivered. */
final class TopicRecords {

    private TopicRecords() {
    }

    /** Every sequence number each device sent, in the order read (duplicates kept). */
    static Map<String, List<Long>> sequencesByDevice(List<SensorReading> readings) {
        Map<String, List<Long>> out = new HashMap<>();
        for (SensorReading reading : readings) {
            out.computeIfAbsent(reading.deviceId(), d -> new ArrayList<>()).add(reading.sequence());
        }
        return out;
    }

    static List<SensorReading> readings(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> SensorReadingCodec.decode(r.value())).toList();
    }

    static long distinct(List<SensorReading> readings) {
        return readings.stream().map(r -> r.deviceId() + "#" + r.sequence()).distinct().count();
    }
}
