package io.datalakelab.sink.retention;

/**
 * Offsets of a Kafka partition that expired (retention deleted them) before the sink landed them. Reported in
 * HDFS as {@code <root>/<topic>/_LOST/<topic>+<partition>+<fromOffset>+<toOffset>.json}, both offsets inclusive.
 */
public record LostRange(String topic, int partition, long fromOffset, long toOffset) {

    public LostRange {
        if (fromOffset < 0 || toOffset < fromOffset) {
            throw new IllegalArgumentException("not a lost range: " + fromOffset + ".." + toOffset);
        }
    }

    public long count() {
        return toOffset - fromOffset + 1;
    }

    public String fileName() {
        return topic + "+" + partition + "+" + fromOffset + "+" + toOffset + ".json";
    }

    @Override
    public String toString() {
        return topic + "-" + partition + " offsets " + fromOffset + ".." + toOffset + " (" + count() + " records)";
    }
}
