package io.datalakelab.core.cli;

import io.datalakelab.core.config.ConfigSpec;
import io.datalakelab.core.config.ConfigValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every service command shares, mixed in with {@code @Mixin}: a config file, {@code --set key=value}
 * overrides, and {@code --print-config}. Keys, defaults and environment variables come from the service's
 * {@link ConfigSpec}, which {@code --help} prints through {@link #helpFooter}.
 */
public final class ServiceOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file with the service's config keys.")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override one config key (repeatable); wins over file and environment.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--print-config", description = "Print the effective configuration and exit.")
    boolean printConfig;

    @Option(names = "--help-config", description = "List every config key with its default, rule and environment variable, and exit.")
    boolean helpConfig;

    public ConfigValues load(ConfigSpec spec) {
        return spec.load(configFile, overrides);
    }

    /**
     * Loads the configuration to run with; empty when {@code --help-config} or {@code --print-config} asked
     * only to be told something, which this has printed on stdout.
     */
    public Optional<ConfigValues> loadToRun(ConfigSpec spec) {
        if (helpConfig) {
            System.out.print(spec.describeAsText());
            return Optional.empty();
        }
        ConfigValues values = load(spec);
        if (printConfig) {
            values.effective().forEach((k, v) -> System.out.println(k + "=" + v));
            return Optional.empty();
        }
        return Optional.of(values);
    }
}
