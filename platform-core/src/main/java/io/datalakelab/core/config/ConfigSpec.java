package io.datalakelab.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * All the keys of one service, declared in one place. It loads values from a properties file, then the
 * environment, then command-line {@code key=value} overrides (each later source wins), rejects unknown keys
 * with the nearest known name, and renders the help table that {@code --help} and the module README show.
 *
 * <p>Keys under a pass-through prefix (for example {@code kafka.}) are not declared here: they go, prefix
 * stripped, to the client that owns them, so every Kafka client setting stays reachable.
 */
public final class ConfigSpec {

    private final String service;
    private final String environmentPrefix;
    private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
    private final List<String> passThroughPrefixes = new ArrayList<>();

    /**
     * @param service           the service's name, used in messages
     * @param environmentPrefix prefix of the environment variables read, e.g. {@code SINK_} makes
     *                          {@code SINK_FLUSH_RECORDS} set {@code flush.records}
     */
    public ConfigSpec(String service, String environmentPrefix) {
        this.service = service;
        this.environmentPrefix = environmentPrefix;
    }

    public <T> ConfigKey<T> define(ConfigKey<T> key) {
        if (keys.putIfAbsent(key.name(), key) != null) {
            throw new IllegalArgumentException("config key declared twice: " + key.name());
        }
        return key;
    }

    /** Keys starting with {@code prefix} are accepted undeclared and handed on verbatim (see {@link ConfigValues#withPrefix}). */
    public ConfigSpec passThrough(String prefix) {
        passThroughPrefixes.add(prefix);
        return this;
    }

    public String service() {
        return service;
    }

    public List<ConfigKey<?>> keys() {
        return List.copyOf(keys.values());
    }

    public String environmentVariable(String key) {
        return environmentPrefix + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Loads with the process environment; see {@link #load(Path, Map, List)}. */
    public ConfigValues load(Path file, List<String> overrides) {
        return load(file, System.getenv(), overrides);
    }

    /**
     * @param file        a properties file, or {@code null} for none
     * @param environment environment variables; only those with this spec's prefix are read
     * @param overrides   {@code key=value} pairs, highest precedence
     * @throws ConfigException naming the key for any unknown key, unparsable or disallowed value, or missing required key
     */
    public ConfigValues load(Path file, Map<String, String> environment, List<String> overrides) {
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("--config", "cannot read config file " + file + ": " + e.getMessage());
            }
            for (String name : properties.stringPropertyNames()) {
                accept(name, properties.getProperty(name), "file " + file, raw, origins);
            }
        }
        Map<String, String> byVariable = new LinkedHashMap<>();
        keys.keySet().forEach(k -> byVariable.put(environmentVariable(k), k));
        environment.forEach((variable, value) -> {
            if (!environmentPrefix.isEmpty() && variable.startsWith(environmentPrefix)) {
                String key = byVariable.get(variable);
                if (key == null) {
                    throw unknown(variable, "environment", byVariable.keySet().stream().toList());
                }
                accept(key, value, "environment " + variable, raw, origins);
            }
        });
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(override, "override '" + override + "' is not of the form key=value");
            }
            accept(override.substring(0, eq).trim(), override.substring(eq + 1), "command line", raw, origins);
        }

        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys.values()) {
            String text = raw.get(key.name());
            if (text != null) {
                values.put(key.name(), key.parse(text, origins.get(key.name())));
            } else if (key.isRequired()) {
                throw new ConfigException(key.name(), "config key '" + key.name() + "' of " + service
                        + " is required and was not set (set it in the config file, as "
                        + environmentVariable(key.name()) + ", or with --set " + key.name() + "=...): " + key.doc());
            } else {
                values.put(key.name(), key.defaultValue());
            }
        }
        Map<String, String> passedThrough = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (!keys.containsKey(k)) {
                passedThrough.put(k, v);
            }
        });
        return new ConfigValues(this, values, passedThrough);
    }

    private void accept(String key, String value, String origin, Map<String, String> raw, Map<String, String> origins) {
        if (!keys.containsKey(key) && passThroughPrefixes.stream().noneMatch(key::startsWith)) {
            throw unknown(key, origin, List.copyOf(keys.keySet()));
        }
        raw.put(key, value);
        origins.put(key, origin);
    }

    private ConfigException unknown(String name, String origin, List<String> known) {
        String nearest = known.stream().min(Comparator.comparingInt(k -> editDistance(k, name))).orElse(null);
        String hint = nearest != null && editDistance(nearest, name) <= Math.max(3, name.length() / 3)
                ? " Did you mean '" + nearest + "'?"
                : " Known keys: " + String.join(", ", known) + ".";
        String prefixes = passThroughPrefixes.isEmpty() ? "" : " Client settings go under " + String.join(" or ", passThroughPrefixes) + ".";
        return new ConfigException(name, "unknown config key '" + name + "' for " + service + " (from " + origin + ")." + hint + prefixes);
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The keys as a Markdown table: name, default, allowed values, environment variable, meaning. */
    public String describeAsMarkdown() {
        StringBuilder out = new StringBuilder("| key | default | allowed | environment | meaning |\n|---|---|---|---|---|\n");
        for (ConfigKey<?> key : keys.values()) {
            out.append("| `").append(key.name()).append("` | `").append(key.defaultText()).append("` | ")
                    .append(key.allowed().replace("|", "\\|")).append(" | `").append(environmentVariable(key.name()))
                    .append("` | ").append(key.doc()).append(" |\n");
        }
        if (!passThroughPrefixes.isEmpty()) {
            out.append("\nAny key under ").append(String.join(", ", passThroughPrefixes.stream().map(p -> "`" + p + "`").toList()))
                    .append(" is passed, prefix removed, to the client it names.\n");
        }
        return out.toString();
    }

    /** The keys as plain text for {@code --help}. */
    public String describeAsText() {
        StringBuilder out = new StringBuilder("Configuration keys of " + service + " (file < environment < --set):\n");
        for (ConfigKey<?> key : keys.values()) {
            out.append(String.format("  %-28s default %-22s %s%n      %s; env %s%n", key.name(), key.defaultText(),
                    key.doc(), key.allowed(), environmentVariable(key.name())));
        }
        passThroughPrefixes.forEach(p -> out.append("  ").append(p).append("*  passed to the client, prefix removed\n"));
        return out.toString();
    }
}
