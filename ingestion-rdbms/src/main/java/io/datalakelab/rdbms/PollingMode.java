package io.datalakelab.rdbms;

import io.datalakelab.core.config.ConfigType;
import java.util.Arrays;
import java.util.Locale;

/**
 * How polling finds a table's new rows, named as the JDBC source connector names its modes.
 */
public enum PollingMode {
    /** A strictly increasing unique column: rows with a larger value than the last polled one. Sees inserts only. */
    INCREMENTING("incrementing", false, true),
    /** A last-change timestamp column: rows with a later timestamp than the last polled one. */
    TIMESTAMP("timestamp", true, false),
    /** A last-change timestamp plus a unique integer column that orders rows of the same timestamp. */
    TIMESTAMP_INCREMENTING("timestamp+incrementing", true, true);

    /** The config type of {@code polling.mode}: the names above (with {@code _} accepted for {@code +}). */
    public static final ConfigType<PollingMode> CONFIG_TYPE = new ConfigType<>(
            String.join("|", Arrays.stream(values()).map(PollingMode::text).toList()), PollingMode::parse, PollingMode::text);

    private final String text;
    private final boolean usesTimestamp;
    private final boolean usesIncrementing;

    PollingMode(String text, boolean usesTimestamp, boolean usesIncrementing) {
        this.text = text;
        this.usesTimestamp = usesTimestamp;
        this.usesIncrementing = usesIncrementing;
    }

    public String text() {
        return text;
    }

    public boolean usesTimestamp() {
        return usesTimestamp;
    }

    public boolean usesIncrementing() {
        return usesIncrementing;
    }

    /** The mode named {@code text}; throws {@link IllegalArgumentException} for any other text. */
    public static PollingMode parse(String text) {
        String normalized = text.trim().toLowerCase(Locale.ROOT).replace('_', '+').replace('-', '+');
        return Arrays.stream(values()).filter(m -> m.text.equals(normalized)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a polling mode: " + text));
    }

    @Override
    public String toString() {
        return text;
    }
}
