package io.datalakelab.iot.fleet;

import java.time.Duration;
import java.util.List;

/**
 * A kind of device: what it measures and how often.
 *
 * @param countPerSite how many devices of this type each site has
 * @param interval     how often each device sends a reading on the fleet's natural schedule
 */
public record DeviceTypeSpec(String name, int countPerSite, Duration interval, List<MeasurementSpec> measurements) {

    public DeviceTypeSpec {
        measurements = List.copyOf(measurements);
    }
}
