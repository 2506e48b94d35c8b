package io.datalakelab.core.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** The typed values of one service's configuration, as loaded and validated by {@link ConfigSpec}. */
public final class ConfigValues {

    private final ConfigSpec spec;
    private final Map<String, Object> values;
    private final Map<String, String> passedThrough;

    ConfigValues(ConfigSpec spec, Map<String, Object> values, Map<String, String> passedThrough) {
        this.spec = spec;
        this.values = values;
        this.passedThrough = passedThrough;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        if (!values.containsKey(key.name())) {
            throw new IllegalArgumentException("key " + key.name() + " is not declared by " + spec.service());
        }
        return (T) values.get(key.name());
    }

    /** Pass-through settings under {@code prefix}, with the prefix removed: {@code kafka.linger.ms=5} gives {@code linger.ms=5}. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        passedThrough.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Every declared key with its effective value, for {@code --print-config} and start-up logs. */
    public Map<String, String> effective() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ConfigKey<?> key : spec.keys()) {
            out.put(key.name(), format(key));
        }
        out.putAll(passedThrough);
        return out;
    }

    private <T> String format(ConfigKey<T> key) {
        return key.type().format(get(key));
    }
}
