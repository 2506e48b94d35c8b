package io.datalakelab.iot.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.schema.SensorReading;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SensorFleetTest {

    @Test
    void everyDeviceCountsItsOwnReadingsFromOne() {
        SensorFleet fleet = new SensorFleet("porto", 3, List.of("thermometer", "air-quality"), 42);
        List<SensorReading> readings = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            readings.add(fleet.nextReading(1_000L + i));
        }
        assertThat(readings).filteredOn(r -> r.deviceId().equals("porto-sensor-0001"))
                .extracting(SensorReading::sequence).containsExactly(1L, 2L, 3L, 4L);
        assertThat(readings).filteredOn(r -> r.deviceId().equals("porto-sensor-0003"))
                .extracting(SensorReading::sequence).containsExactly(1L, 2L, 3L);
        assertThat(fleet.lastSequences()).containsEntry("porto-sensor-0001", 4L).containsEntry("porto-sensor-0002", 3L);
    }

    @Test
    void deviceTypesAreAssignedInTurnAndMeasureTheirOwnQuantities() {
        SensorFleet fleet = new SensorFleet("porto", 2, List.of("thermometer", "air-quality"), 1);
        SensorReading thermometer = fleet.nextReading(0);
        SensorReading airQuality = fleet.nextReading(0);
        assertThat(thermometer.deviceType()).isEqualTo("thermometer");
        assertThat(thermometer.values()).containsOnlyKeys("temperature");
        assertThat(airQuality.deviceType()).isEqualTo("air-quality");
        assertThat(airQuality.values()).containsOnlyKeys("pm25", "co2");
        assertThat(thermometer.site()).isEqualTo("porto");
    }
}
