package io.datalakelab.iot.speed;

import java.time.Duration;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Site aggregates built from device window results, not from readings. A site's devices live in different input
 * partitions that Kafka Streams reads at different speeds (by thousands of records when catching up); windowing
 * their readings again by site would see most of them as later than the grace and drop them. Device windows
 * re-keyed by site have no such race: each one updates its site's window whenever it arrives. Windows older than
 * the retention behind the newest one are forgotten by a punctuator.
 */
final class SiteAggregator implements Processor<String, SiteAggregator.DeviceWindow, String, WindowAggregate> {

    static final String STORE = "site-windows";

    /** A device's window result on its way to its site. */
    record DeviceWindow(String deviceId, long windowStart, long windowEnd, WindowStats stats) {
    }

    private final Duration retention;
    private ProcessorContext<String, WindowAggregate> context;
    private KeyValueStore<String, SiteWindows> store;
    private long newestWindowEnd = Long.MIN_VALUE;

    SiteAggregator(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<String, WindowAggregate> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, now -> forgetOldWindows());
    }

    @Override
    public void process(Record<String, DeviceWindow> record) {
        DeviceWindow dw = record.value();
        String key = record.key() + "@" + dw.windowStart();
        SiteWindows site = store.get(key);
        site = (site == null ? SiteWindows.empty(dw.windowStart(), dw.windowEnd()) : site).with(dw.deviceId(), dw.stats());
        store.put(key, site);
        newestWindowEnd = Math.max(newestWindowEnd, dw.windowEnd());
        context.forward(new Record<>(record.key(), WindowAggregate.of("site", record.key(), dw.windowStart(), dw.windowEnd(), site.merged()),
                record.timestamp()));
    }

    private void forgetOldWindows() {
        if (newestWindowEnd == Long.MIN_VALUE) {
            return;
        }
        long horizon = newestWindowEnd - retention.toMillis();
        java.util.List<String> old = new java.util.ArrayList<>();
        try (KeyValueIterator<String, SiteWindows> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, SiteWindows> e = all.next();
                if (e.value.windowEnd() < horizon) {
                    old.add(e.key);
                }
            }
        }
        old.forEach(store::delete);
    }
}
