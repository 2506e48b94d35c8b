package io.datalakelab.iot.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class FleetSimulationTest {

    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    @Test
    void theSameSeedGivesTheSameStreamAndAnotherSeedAnotherOne() {
        FleetSpec fleet = FleetSpec.builtIn();
        List<Emission> first = simulate(fleet, 0, 5_000);
        List<Emission> again = simulate(fleet, 0, 5_000);
        List<Emission> otherSeed = simulate(fleet.withSeed(fleet.seed() + 1), 0, 5_000);

        assertThat(encodeAll(again)).isEqualTo(encodeAll(first));
        assertThat(encodeAll(otherSeed)).isNotEqualTo(encodeAll(first));
    }

    @Test
    void theBuiltInFleetHasTheCoursesDeviceTypesAtEverySite() {
        FleetSpec fleet = FleetSpec.builtIn();
        assertThat(fleet.types()).extracting(DeviceTypeSpec::name)
                .contains("climate", "pressure", "vibration", "gps-tracker", "power-meter", "health-wearable");
        assertThat(fleet.type("climate").measurements()).extracting(MeasurementSpec::name).contains("temperature", "humidity");
        assertThat(fleet.type("health-wearable").measurements()).extracting(MeasurementSpec::name)
                .containsExactly("age", "height", "weight", "heart_rate");
        Fleet devices = new Fleet(fleet, 0);
        int perSite = fleet.types().stream().mapToInt(DeviceTypeSpec::countPerSite).sum();
        assertThat(devices.devices()).hasSize(perSite * fleet.sites().size());
        assertThat(devices.devices()).extracting(SimulatedDevice::id).doesNotHaveDuplicates().contains("lisbon-climate-0001", "recife-health-wearable-0003");
    }

    @Test
    void valuesFollowTheirModelsAndStayInsideThePhysicalLimits() {
        FleetSpec fleet = FleetSpec.builtIn();
        Map<String, List<SensorReading>> byDevice = readingsByDevice(simulate(fleet, 0, 30_000));
        for (List<SensorReading> readings : byDevice.values()) {
            DeviceTypeSpec type = fleet.type(readings.get(0).deviceType());
            for (SensorReading r : readings) {
                assertThat(r.values().keySet()).containsExactlyInAnyOrderElementsOf(type.measurements().stream().map(MeasurementSpec::name).toList());
                for (MeasurementSpec m : type.measurements()) {
                    assertThat(r.values().get(m.name())).as(r.deviceId() + " " + m.name()).isBetween(m.limits().low(), m.limits().high());
                }
            }
            SensorReading first = readings.get(0);
            if (first.deviceType().equals("health-wearable")) {
                assertThat(readings).as("age and height are a person's, drawn once").allSatisfy(r -> {
                    assertThat(r.values().get("age")).isEqualTo(first.values().get("age"));
                    assertThat(r.values().get("height")).isEqualTo(first.values().get("height"));
                });
            }
            if (first.deviceType().equals("power-meter")) {
                List<SensorReading> inOrder = readings.stream().sorted((a, b) -> Long.compare(a.sequence(), b.sequence())).toList();
                for (int i = 1; i < inOrder.size(); i++) {
                    assertThat(inOrder.get(i).values().get("energy")).as("an energy meter never runs backwards")
                            .isGreaterThanOrEqualTo(inOrder.get(i - 1).values().get("energy"));
                }
            }
            if (first.deviceType().equals("gps-tracker")) {
                SiteSpec site = fleet.sites().stream().filter(s -> s.name().equals(first.site())).findFirst().orElseThrow();
                assertThat(readings).allSatisfy(r -> assertThat(r.values().get("latitude")).isBetween(site.latitude() - 0.2, site.latitude() + 0.2));
            }
        }
    }

    @Test
    void everyMeasuredSequenceNumberIsSentOnceAlthoughDevicesGoOfflineAndReplayLateOutOfOrder() {
        FleetSpec flaky = FleetSpec.builtIn().withFaults(new FaultSpec(0, 0, 0, Range.of(1), 0, 0, Range.of(1),
                0.02, new Range(5, 30), true, 0, Duration.ZERO, 0));
        List<Emission> emissions = simulate(flaky, 40, 20_000);

        Map<String, List<SensorReading>> byDevice = readingsByDevice(emissions);
        long late = emissions.stream().filter(e -> e instanceof Emission.Reading r && r.late()).count();
        assertThat(late).as("readings replayed after an offline period").isGreaterThan(500);
        boolean someOutOfOrder = false;
        for (List<SensorReading> readings : byDevice.values()) {
            List<Long> sent = readings.stream().map(SensorReading::sequence).toList();
            assertThat(new TreeSet<>(sent)).as("each sequence once, none missing").containsExactlyElementsOf(
                    LongStream.rangeClosed(1, sent.size()).boxed().toList());
            assertThat(sent).doesNotHaveDuplicates();
            for (int i = 1; i < sent.size(); i++) {
                someOutOfOrder |= sent.get(i) < sent.get(i - 1);
            }
        }
        assertThat(someOutOfOrder).isTrue();
        assertThat(byDevice.values().stream().mapToLong(List::size).sum()).isEqualTo(20_000);
    }

    @Test
    void anOfflineDeviceWithoutReplayMeasuresNothingSoItsSequenceHasNoGap() {
        FleetSpec silent = FleetSpec.builtIn().withFaults(new FaultSpec(0, 0, 0, Range.of(1), 0, 0, Range.of(1),
                0.05, new Range(5, 30), false, 0, Duration.ZERO, 0));
        List<Emission> emissions = simulate(silent, 10, 10_000);
        assertThat(emissions).noneMatch(e -> e instanceof Emission.Reading r && r.late());
        readingsByDevice(emissions).values().forEach(readings -> assertThat(readings.stream().map(SensorReading::sequence).toList())
                .isEqualTo(LongStream.rangeClosed(1, readings.size()).boxed().toList()));
    }

    @Test
    void spikesStuckSensorsAndSkewedClocksShowInTheData() {
        FleetSpec clean = FleetSpec.builtIn().withFaults(FaultSpec.NONE);
        FleetSpec faulty = FleetSpec.builtIn().withFaults(new FaultSpec(0.02, 2, 0.01, new Range(10, 20), 0, 0, Range.of(1),
                0, Range.of(1), false, 1.0, Duration.ofSeconds(20), 0));

        assertThat(outsideNormalRange(clean, simulate(clean, 12, 20_000))).isZero();
        List<Emission> faultyRun = simulate(faulty, 12, 20_000);
        assertThat(outsideNormalRange(faulty, faultyRun)).as("spikes leave the normal range").isGreaterThan(50);

        long repeats = 0;
        for (List<SensorReading> readings : readingsByDevice(faultyRun).values()) {
            for (int i = 1; i < readings.size(); i++) {
                if (readings.get(i).values().equals(readings.get(i - 1).values()) && !readings.get(i).deviceType().equals("health-wearable")) {
                    repeats++;
                }
            }
        }
        assertThat(repeats).as("a stuck sensor repeats its values").isGreaterThan(100);

        Fleet skewed = new Fleet(faulty, 12);
        assertThat(skewed.devices()).allSatisfy(d -> assertThat(d.clockSkewMs()).isBetween(-20_000L, 20_000L));
        assertThat(skewed.devices().stream().map(SimulatedDevice::clockSkewMs).distinct().count()).isGreaterThan(1);
        FleetSchedule schedule = new FleetSchedule(skewed.devices(), START);
        List<Emission> out = new ArrayList<>();
        FleetSchedule.Slot slot = schedule.next();
        slot.device().tick(slot.dueMs(), faulty.faults(), out);
        assertThat(((Emission.Reading) out.get(0)).reading().eventTime()).isEqualTo(slot.dueMs() + slot.device().clockSkewMs());
    }

    @Test
    void malformedRecordsAreOptInAndNoneOfThemDecodesAsAReading() {
        assertThat(simulate(FleetSpec.builtIn(), 10, 5_000)).noneMatch(e -> e instanceof Emission.Malformed);
        FleetSpec broken = FleetSpec.builtIn().withFaults(FaultSpec.NONE.withMalformedRate(0.1));
        List<Emission> emissions = simulate(broken, 10, 5_000);
        List<Emission.Malformed> malformed = emissions.stream().filter(e -> e instanceof Emission.Malformed).map(e -> (Emission.Malformed) e).toList();
        assertThat(malformed).hasSizeBetween(300, 700);
        assertThat(malformed.stream().map(Emission.Malformed::kind).distinct()).hasSize(Emission.MalformedKind.values().length);
        for (ReadingEncoding encoding : ReadingEncoding.values()) {
            for (Emission.Malformed m : malformed) {
                byte[] bytes = encoding.encodeMalformed(m.kind(), m.basis());
                assertThatThrownBy(() -> SensorReadingCodec.decode(bytes)).as(encoding + " " + m.kind()).isInstanceOf(InvalidRecordException.class);
            }
        }
        assertThat(emissions.stream().filter(e -> e instanceof Emission.Reading).count()).isEqualTo(5_000);
    }

    @Test
    void bothEncodingsCarryTheSameReading() {
        SensorReading reading = ((Emission.Reading) simulate(FleetSpec.builtIn(), 3, 1).get(0)).reading();
        assertThat(SensorReadingCodec.decode(ReadingEncoding.JSON.encode(reading))).isEqualTo(reading);
        byte[] avro = ReadingEncoding.AVRO.encode(reading);
        assertThat(SensorReadingCodec.isAvroSingleObject(avro)).isTrue();
        assertThat(SensorReadingCodec.decode(avro)).isEqualTo(reading);
    }

    @Test
    void aDevicesEventTimesFollowItsIntervalOnTheSimulatedClock() {
        Fleet fleet = new Fleet(FleetSpec.builtIn().withFaults(FaultSpec.NONE), 6);
        FleetSchedule schedule = new FleetSchedule(fleet.devices(), START);
        Map<String, List<Long>> times = new HashMap<>();
        List<Emission> out = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            FleetSchedule.Slot slot = schedule.next();
            slot.device().tick(slot.dueMs(), FaultSpec.NONE, out);
        }
        readingsByDevice(out).forEach((device, readings) -> times.put(device, readings.stream().map(SensorReading::eventTime).toList()));
        for (SimulatedDevice device : fleet.devices()) {
            List<Long> t = times.get(device.id());
            assertThat(t.get(0)).isBetween(START, START + device.intervalMs());
            for (int i = 1; i < t.size(); i++) {
                assertThat(t.get(i) - t.get(i - 1)).isEqualTo(device.intervalMs());
            }
        }
    }

    @Test
    void aMistakeInTheFleetFileNamesItsPath() {
        String good = """
                sites: [lab]
                types:
                  climate:
                    every: 10s
                    measurements:
                      temperature: {limits: [-40, 85], range: [14, 32]}
                """;
        assertThat(FleetSpec.parse(good.getBytes(StandardCharsets.UTF_8), "f.yaml").types()).hasSize(1);
        assertThatThrownBy(() -> FleetSpec.parse(good.replace("[14, 32]", "[14, 320]").getBytes(StandardCharsets.UTF_8), "f.yaml"))
                .hasMessage("f.yaml: types.climate.measurements.temperature.range: 14.0..320.0 is outside the limits -40.0..85.0");
        assertThatThrownBy(() -> FleetSpec.parse(good.replace("every: 10s", "evry: 10s").getBytes(StandardCharsets.UTF_8), "f.yaml"))
                .hasMessageStartingWith("f.yaml: types.climate.evry: is not a known entry; known: count, every, measurements");
        assertThatThrownBy(() -> FleetSpec.parse(good.replace("10s", "ten").getBytes(StandardCharsets.UTF_8), "f.yaml"))
                .hasMessage("f.yaml: types.climate.every: must be a duration such as 500ms, 10s, 5m, was 'ten'");
        assertThatThrownBy(() -> FleetSpec.parse("sites: [lab]\n".getBytes(StandardCharsets.UTF_8), "f.yaml"))
                .hasMessage("f.yaml: types: is missing");
    }

    @Test
    void aBadSimulatorSettingFailsNamingItsKey() {
        assertThatThrownBy(() -> SimulatorConfig.from(SimulatorConfig.SPEC.load(null, java.util.Map.of(), List.of("sites=lisbon,porto.north"))))
                .isInstanceOf(io.datalakelab.core.config.ConfigException.class).hasMessageContaining("'porto.north' in config key 'sites'");
        assertThatThrownBy(() -> SimulatorConfig.from(SimulatorConfig.SPEC.load(null, java.util.Map.of(), List.of("rate=fast"))))
                .isInstanceOf(io.datalakelab.core.config.ConfigException.class).hasMessageContaining("'rate'");
        assertThatThrownBy(() -> SimulatorConfig.from(SimulatorConfig.SPEC.load(null, java.util.Map.of(), List.of("fleet=/no/such/fleet.yaml"))))
                .isInstanceOf(io.datalakelab.core.config.ConfigException.class).hasMessageContaining("/no/such/fleet.yaml: cannot read the fleet file");
    }

    @Test
    void theRateIsNaturalMaxOrANumber() {
        assertThat(SendRate.parse("natural")).isEqualTo(SendRate.NATURAL);
        assertThat(SendRate.parse("max")).isEqualTo(SendRate.MAX);
        assertThat(SendRate.parse("2500").perSecond()).isEqualTo(2500);
        assertThat(SendRate.parse("2500").share(4).perSecond()).isEqualTo(625);
        assertThatThrownBy(() -> SendRate.parse("-3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFixedRateIsMultipliedDuringBurstsOnly() {
        RatePacer pacer = new RatePacer(SendRate.parse("100"), 5, Duration.ofSeconds(60), Duration.ofSeconds(5), START);
        long now = System.nanoTime();
        assertThat(pacer.currentRate(now)).as("a run starts with a burst").isEqualTo(500);
        assertThat(pacer.currentRate(now + Duration.ofSeconds(10).toNanos())).isEqualTo(100);
        assertThat(pacer.currentRate(now + Duration.ofSeconds(61).toNanos())).isEqualTo(500);
        RatePacer steady = new RatePacer(SendRate.parse("100"), 1, Duration.ofSeconds(60), Duration.ofSeconds(5), START);
        assertThat(steady.currentRate(System.nanoTime())).isEqualTo(100);
    }

    /** Runs the fleet on its simulated clock, single-threaded, for {@code readings} readings; then reconnects every device. */
    static List<Emission> simulate(FleetSpec spec, int devices, long readings) {
        Fleet fleet = new Fleet(spec, devices);
        FleetSchedule schedule = new FleetSchedule(fleet.devices(), START);
        List<Emission> out = new ArrayList<>();
        long measured = 0;
        while (measured < readings) {
            FleetSchedule.Slot slot = schedule.next();
            long before = slot.device().readingsMeasured();
            slot.device().tick(slot.dueMs(), spec.faults(), out);
            measured += slot.device().readingsMeasured() - before;
        }
        fleet.devices().forEach(d -> d.reconnect(out));
        return out;
    }

    private static List<String> encodeAll(List<Emission> emissions) {
        return emissions.stream().map(e -> e instanceof Emission.Reading r
                ? new String(ReadingEncoding.JSON.encode(r.reading()), StandardCharsets.UTF_8)
                : new String(ReadingEncoding.JSON.encodeMalformed(((Emission.Malformed) e).kind(), ((Emission.Malformed) e).basis()), StandardCharsets.UTF_8)).toList();
    }

    private static Map<String, List<SensorReading>> readingsByDevice(List<Emission> emissions) {
        Map<String, List<SensorReading>> out = new HashMap<>();
        emissions.stream().filter(e -> e instanceof Emission.Reading).map(e -> ((Emission.Reading) e).reading())
                .forEach(r -> out.computeIfAbsent(r.deviceId(), d -> new ArrayList<>()).add(r));
        return out;
    }

    /** Readings with a walking value beyond its normal range by more than the daily cycle and five sigmas of noise can explain. */
    private static long outsideNormalRange(FleetSpec spec, List<Emission> emissions) {
        long outside = 0;
        for (List<SensorReading> readings : readingsByDevice(emissions).values()) {
            for (SensorReading r : readings) {
                for (MeasurementSpec m : spec.type(r.deviceType()).measurements()) {
                    if (m.kind() != MeasurementSpec.Kind.WALK || !m.relativeTo().isEmpty()) {
                        continue;
                    }
                    double slack = Math.abs(m.daily()) + 5 * m.noise();
                    double v = r.values().get(m.name());
                    if (v < m.range().low() - slack - 1e-9 || v > m.range().high() + slack + 1e-9) {
                        outside++;
                    }
                }
            }
        }
        return outside;
    }
}
