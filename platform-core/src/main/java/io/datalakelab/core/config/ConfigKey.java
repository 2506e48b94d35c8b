package io.datalakelab.core.config;

import java.util.Objects;

/**
 * One configuration key, declared once: its name, type, default, what values are allowed and what it
 * does. Parsing and validation happen here so that a bad value fails at start with the key's name.
 *
 * @param <T> the Java type the key's text is parsed into
 */
public final class ConfigKey<T> {

    private final String name;
    private final ConfigType<T> type;
    private final T defaultValue;
    private final boolean required;
    private final ConfigRule<T> rule;
    private final String doc;

    private ConfigKey(String name, ConfigType<T> type, T defaultValue, boolean required, ConfigRule<T> rule, String doc) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.required = required;
        this.rule = rule;
        this.doc = Objects.requireNonNull(doc, "doc");
    }

    /** A key with a default: the service runs without anyone setting it. */
    public static <T> ConfigKey<T> of(String name, ConfigType<T> type, T defaultValue, ConfigRule<T> rule, String doc) {
        ConfigKey<T> key = new ConfigKey<>(name, type, defaultValue, false, rule, doc);
        if (defaultValue != null && rule != null) {
            String problem = rule.check(defaultValue);
            if (problem != null) {
                throw new IllegalArgumentException("default of " + name + " breaks its own rule: " + problem);
            }
        }
        return key;
    }

    public static <T> ConfigKey<T> of(String name, ConfigType<T> type, T defaultValue, String doc) {
        return of(name, type, defaultValue, null, doc);
    }

    /** A key without a default: start fails until it is set. */
    public static <T> ConfigKey<T> required(String name, ConfigType<T> type, ConfigRule<T> rule, String doc) {
        return new ConfigKey<>(name, type, null, true, rule, doc);
    }

    public String name() {
        return name;
    }

    public ConfigType<T> type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public boolean isRequired() {
        return required;
    }

    public String doc() {
        return doc;
    }

    /** What a user may write, for help text and error messages. */
    public String allowed() {
        return rule == null ? type.description() : type.description() + ", " + rule.description();
    }

    public String defaultText() {
        return required ? "(required)" : type.format(defaultValue);
    }

    /** Parses and validates {@code text}, naming this key and its origin in any failure. */
    T parse(String text, String origin) {
        T value;
        try {
            value = type.parse(text.trim());
        } catch (RuntimeException e) {
            throw new ConfigException(name, text, origin, "expected " + allowed());
        }
        if (rule != null) {
            String problem = rule.check(value);
            if (problem != null) {
                throw new ConfigException(name, text, origin, problem + " (allowed: " + allowed() + ")");
            }
        }
        return value;
    }
}
