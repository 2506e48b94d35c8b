package io.datalakelab.iot.fleet;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Runs a fleet against an output (Kafka by default, or an MQTT broker): N producer threads, each with its own
 * connection and its share of the devices, so a device's readings keep their order. Runs for a count, a duration,
 * or until {@link #stop()}; at the end every offline device reconnects and sends what it buffered, so every
 * sequence number measured is sent.
 */
public final class SensorSimulator {

    private final SimulatorConfig config;
    private final PrintStream progress;
    private final ReadingOutput output;
    private final Fleet fleet;
    private volatile boolean stopRequested;

    private final LongAdder readingsSent = new LongAdder();
    private final LongAdder lateSent = new LongAdder();
    private final LongAdder malformedSent = new LongAdder();
    private final LongAdder readingsAcked = new LongAdder();
    private final LongAdder malformedAcked = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicLong lastAck = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(3_600_000_000L, 3);

    /** Into Kafka. @param progress where progress lines go (stderr for the command); {@code null} for none */
    public SensorSimulator(SimulatorConfig config, PrintStream progress) {
        this(config, progress, new KafkaOutput(config));
    }

    public SensorSimulator(SimulatorConfig config, PrintStream progress, ReadingOutput output) {
        this.config = config;
        this.progress = progress;
        this.output = output;
        this.fleet = new Fleet(config.fleet(), config.devices());
    }

    /** Readings acknowledged so far, for following a run in flight. */
    public long readingsAcknowledged() {
        return readingsAcked.sum();
    }

    /** Readings handed to the output so far (malformed records not counted). */
    public long readingsSent() {
        return readingsSent.sum();
    }

    /** Records the output refused or never acknowledged so far. */
    public long failures() {
        return failed.sum();
    }

    /** When the output last acknowledged a record (epoch ms), 0 before the first. */
    public long lastAcknowledgedEpochMs() {
        return lastAck.get();
    }

    public String destination() {
        return output.destination();
    }

    public Fleet fleet() {
        return fleet;
    }

    /** Asks the run to end: producers finish the reading in hand, flush the offline buffers, and wait for acknowledgements. */
    public void stop() {
        stopRequested = true;
    }

    public SimulationReport run() throws InterruptedException {
        try {
            output.prepare(fleet);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare " + output.destination() + ": " + e.getMessage(), e);
        }
        long firstSend = System.currentTimeMillis();
        long scheduleStart = config.clock() == SimulatorConfig.Clock.SIMULATED && config.clockStart() != null
                ? config.clockStart().toEpochMilli() : firstSend;
        long deadlineNanos = config.duration().isZero() ? Long.MAX_VALUE : System.nanoTime() + config.duration().toNanos();
        int producers = Math.min(config.producers(), fleet.devices().size());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> crashes = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < producers; w++) {
            long quota = config.records() == 0 ? Long.MAX_VALUE : config.records() / producers + (w < config.records() % producers ? 1 : 0);
            List<SimulatedDevice> share = fleet.shareOf(w, producers);
            int worker = w;
            Thread t = new Thread(() -> {
                try {
                    produce(worker, share, quota, scheduleStart, deadlineNanos);
                } catch (Throwable e) {
                    crashes.add(e);
                    stopRequested = true;
                }
            }, "sensor-simulator-producer-" + w);
            threads.add(t);
            t.start();
        }
        ScheduledExecutorService ticker = startProgress();
        try {
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            if (ticker != null) {
                ticker.shutdownNow();
            }
        }
        if (!crashes.isEmpty()) {
            throw new IllegalStateException("a producer thread failed: " + crashes.get(0), crashes.get(0));
        }
        return report(producers, firstSend);
    }

    private void produce(int worker, List<SimulatedDevice> devices, long quota, long scheduleStart, long deadlineNanos) throws Exception {
        FleetSchedule schedule = new FleetSchedule(devices, scheduleStart);
        RatePacer pacer = new RatePacer(config.rate().share(Math.min(config.producers(), fleet.devices().size())),
                config.burstFactor(), config.burstEvery(), config.burstLength(), scheduleStart);
        FaultSpec faults = config.fleet().faults();
        List<Emission> out = new ArrayList<>();
        long measured = 0;
        try (ReadingOutput.Channel channel = output.open(worker)) {
            while (measured < quota && !stopRequested && System.nanoTime() < deadlineNanos) {
                FleetSchedule.Slot slot = schedule.next();
                pacer.awaitTurn(slot.dueMs());
                long clockTime = config.clock() == SimulatorConfig.Clock.SIMULATED ? slot.dueMs() : System.currentTimeMillis();
                long before = slot.device().readingsMeasured();
                slot.device().tick(clockTime, faults, out);
                measured += slot.device().readingsMeasured() - before;
                send(channel, out);
            }
            for (SimulatedDevice device : devices) {
                device.reconnect(out);
            }
            send(channel, out);
            long unanswered = channel.finish();
            if (unanswered > 0) {
                failed.add(unanswered);
                firstError.compareAndSet(null, unanswered + " records never acknowledged by " + output.destination());
            }
        }
    }

    private void send(ReadingOutput.Channel channel, List<Emission> emissions) throws Exception {
        for (Emission emission : emissions) {
            byte[] value;
            boolean isReading = emission instanceof Emission.Reading;
            if (emission instanceof Emission.Reading r) {
                value = config.encoding().encode(r.reading());
                readingsSent.increment();
                if (r.late()) {
                    lateSent.increment();
                }
            } else {
                Emission.Malformed m = (Emission.Malformed) emission;
                value = config.encoding().encodeMalformed(m.kind(), m.basis());
                malformedSent.increment();
            }
            long sentNanos = System.nanoTime();
            channel.send(emission, value, error -> {
                if (error == null) {
                    latencyMicros.recordValue(Math.max(0, (System.nanoTime() - sentNanos) / 1000));
                    (isReading ? readingsAcked : malformedAcked).increment();
                    lastAck.accumulateAndGet(System.currentTimeMillis(), Math::max);
                } else {
                    failed.increment();
                    firstError.compareAndSet(null, describe(emission) + ": " + error);
                }
            });
        }
        emissions.clear();
    }

    private static String describe(Emission emission) {
        return emission instanceof Emission.Reading r ? r.deviceId() + " #" + r.reading().sequence()
                : emission.deviceId() + " malformed " + ((Emission.Malformed) emission).kind();
    }

    private ScheduledExecutorService startProgress() {
        if (progress == null || config.progressInterval().isZero()) {
            return null;
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sensor-simulator-progress");
            t.setDaemon(true);
            return t;
        });
        long every = config.progressInterval().toMillis();
        AtomicLong previous = new AtomicLong();
        ticker.scheduleAtFixedRate(() -> {
            long acked = readingsAcked.sum();
            progress.printf("sensor-simulator: %,d sent, %,d acknowledged by " + output.destination() + ", %,d failed, %,.0f/s, p99 %.1f ms%n", readingsSent.sum(), acked,
                    failed.sum(), (acked - previous.getAndSet(acked)) * 1000.0 / every, latencyMicros.getValueAtPercentile(99) / 1000.0);
        }, every, every, TimeUnit.MILLISECONDS);
        return ticker;
    }

    private SimulationReport report(int producers, long firstSend) {
        SimulationReport.Latency latency = new SimulationReport.Latency(latencyMicros.getValueAtPercentile(50) / 1000.0,
                latencyMicros.getValueAtPercentile(95) / 1000.0, latencyMicros.getValueAtPercentile(99) / 1000.0,
                latencyMicros.getMaxValue() / 1000.0);
        return new SimulationReport(output.destination(), config.encoding().name().toLowerCase(java.util.Locale.ROOT), producers,
                fleet.devices().size(), readingsSent.sum(), lateSent.sum(), malformedSent.sum(), readingsAcked.sum(), malformedAcked.sum(),
                failed.sum(), firstSend, lastAck.get(), latency, firstError.get());
    }
}
