package io.datalakelab.core.config;

/** A configuration value that cannot be used; the message names the key, the value, where it came from and what is allowed. */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String value, String origin, String problem) {
        super("invalid value '" + value + "' for config key '" + key + "' (from " + origin + "): " + problem);
        this.key = key;
    }

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
