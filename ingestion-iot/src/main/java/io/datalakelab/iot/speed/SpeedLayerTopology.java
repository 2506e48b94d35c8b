package io.datalakelab.iot.speed;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.serde.SensorReadingSerde;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindowedKStream;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The speed layer's dataflow:
 * <pre>
 * input ─ decode (event time) ─┬─ not a reading ──────────────────────────> dlq (reason in headers)
 *                              ├─ alert rules (per-device state store) ───> alerts
 *                              └─ by device (no repartition), tumbling window (+ grace) ─┬─> aggregates.device-&lt;size&gt;
 *                                                                       └─ by site (repartition), merged ─> aggregates.site-&lt;size&gt;
 * </pre>
 */
public final class SpeedLayerTopology {

    private static final java.time.Duration STORE_MARGIN = java.time.Duration.ofDays(1);

    private SpeedLayerTopology() {
    }

    public static Topology build(SpeedLayerConfig config, SpeedLayerMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AlertProcessor.STORE), Serdes.String(),
                new JsonSerde<>(DeviceAlertState.class)));

        KStream<String, byte[]> input = builder.stream(config.inputTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()));
        Map<String, KStream<String, ReadingParser.Parsed>> parsed = input
                .processValues(() -> new ReadingParser(metrics), Named.as("decode-readings"))
                .split(Named.as("parsed-"))
                .branch((key, p) -> p.reading() != null, Branched.as("readings"))
                .defaultBranch(Branched.as("dead-letters"));
        parsed.get("parsed-dead-letters").mapValues(ReadingParser.Parsed::raw, Named.as("dead-letter-value"))
                .to(config.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()));
        KStream<String, SensorReading> readings = parsed.get("parsed-readings").mapValues(ReadingParser.Parsed::reading, Named.as("reading"));

        readings.process(() -> new AlertProcessor(config.rules(), metrics), Named.as("alert-rules"), AlertProcessor.STORE)
                .to(config.alertsTopic(), Produced.with(Serdes.String(), new JsonSerde<>(Alert.class)));

        KTable<Windowed<String>, WindowStats> deviceWindows = deviceWindows(readings, config);
        deviceWindows.toStream(Named.as("device-window-results"))
                .filter((window, stats) -> stats != null, Named.as("device-window-present"))
                .map((window, stats) -> KeyValue.pair(window.key(),
                        WindowAggregate.of("device", window.key(), window.window().start(), window.window().end(), stats)), Named.as("device-aggregate"))
                .to(config.aggregatesTopic("device"), Produced.with(Serdes.String(), new JsonSerde<>(WindowAggregate.class)));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SiteAggregator.STORE), Serdes.String(),
                new JsonSerde<>(SiteWindows.class)));
        deviceWindows.toStream(Named.as("device-windows-for-sites"))
                .filter((window, stats) -> stats != null, Named.as("device-window-for-site-present"))
                .map((window, stats) -> KeyValue.pair(stats.site(),
                        new SiteAggregator.DeviceWindow(window.key(), window.window().start(), window.window().end(), stats)), Named.as("key-by-site"))
                .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(SiteAggregator.DeviceWindow.class)).withName("by-site"))
                .process(() -> new SiteAggregator(storeRetention(config)), Named.as("site-windows"), SiteAggregator.STORE)
                .to(config.aggregatesTopic("site"), Produced.with(Serdes.String(), new JsonSerde<>(WindowAggregate.class)));
        return builder.build();
    }

    private static KTable<Windowed<String>, WindowStats> deviceWindows(KStream<String, SensorReading> readings, SpeedLayerConfig config) {
        TimeWindows windows = TimeWindows.ofSizeAndGrace(config.windowSize(), config.windowGrace());
        TimeWindowedKStream<String, SensorReading> windowed = readings.groupByKey(Grouped.with(Serdes.String(), new SensorReadingSerde()))
                .windowedBy(windows);
        Materialized<String, WindowStats, WindowStore<Bytes, byte[]>> store = Materialized
                .<String, WindowStats, WindowStore<Bytes, byte[]>>as("device-window-stats")
                .withKeySerde(Serdes.String()).withValueSerde(new JsonSerde<>(WindowStats.class))
                // Kept well past its grace: the store drops expired segments before closed windows are emitted, so
                // with the default retention (size + grace) a jump in stream time would lose windows unreported. The
                // longer retention also means long segments, which keeps the record cache's first emission scan (from
                // epoch 0 to now, segment by segment) short; the cache then spares most changelog writes.
                .withRetention(storeRetention(config));
        if (config.aggregatesEmit() == SpeedLayerConfig.AggregateEmit.ON_CLOSE) {
            windowed = windowed.emitStrategy(EmitStrategy.onWindowClose());
        }
        return windowed.aggregate(WindowStats::empty, (key, reading, stats) -> stats.add(reading), Named.as("device-window-stats"), store);
    }

    private static java.time.Duration storeRetention(SpeedLayerConfig config) {
        return config.windowSize().plus(config.windowGrace()).plus(STORE_MARGIN);
    }
}
