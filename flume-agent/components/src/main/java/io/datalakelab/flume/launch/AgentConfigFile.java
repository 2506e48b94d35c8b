package io.datalakelab.flume.launch;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flume.conf.FlumeConfiguration;
import org.apache.flume.conf.FlumeConfigurationError;

/**
 * An agent configuration file as the launcher checks it before Flume reads it. The files of this module take every
 * address, port and directory from the environment with Flume's own {@code ${env:NAME}} or {@code ${env:NAME:-default}}
 * lookups, so the same file serves the lab, the tests and a deployed node. Flume leaves an unset variable in the value
 * as it is and, for most configuration errors, starts without the component at fault; this class turns both into an
 * error that names the file, the key and the cause before anything starts.
 */
public final class AgentConfigFile {

    /** {@code ${env:NAME}} or {@code ${env:NAME:-default}}, the forms Flume 1.11 resolves. */
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Path file;
    private final Properties properties;

    private AgentConfigFile(Path file, Properties properties) {
        this.file = file;
        this.properties = properties;
    }

    public static AgentConfigFile read(Path file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(Files.readString(file)));
        } catch (IOException e) {
            throw new InvalidAgentConfigException("cannot read the agent configuration " + file + ": " + e.getMessage());
        }
        return new AgentConfigFile(file, properties);
    }

    /**
     * The configuration with every {@code ${env:...}} replaced, as Flume will see it.
     *
     * @throws InvalidAgentConfigException naming every key whose variable is unset and has no default
     */
    public Map<String, String> resolve(UnaryOperator<String> environment) {
        Map<String, String> resolved = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String key : properties.stringPropertyNames().stream().sorted().toList()) {
            Matcher reference = ENV_REFERENCE.matcher(properties.getProperty(key));
            StringBuilder value = new StringBuilder();
            while (reference.find()) {
                String name = reference.group(1);
                String set = environment.apply(name);
                String replacement = set != null ? set : reference.group(2);
                if (replacement == null) {
                    missing.add(key + " needs environment variable " + name);
                    replacement = reference.group();
                }
                reference.appendReplacement(value, Matcher.quoteReplacement(replacement));
            }
            reference.appendTail(value);
            resolved.put(key, value.toString());
        }
        if (!missing.isEmpty()) {
            throw new InvalidAgentConfigException(file + ": " + String.join("; ", missing) + ", which is not set");
        }
        return resolved;
    }

    /**
     * Checks the resolved configuration with Flume's own parser: the agent must be defined and Flume must report no
     * error for it (a misspelt type, a source without a channel, a sink on an undefined channel ...).
     */
    public void check(String agentName, Map<String, String> resolved) {
        FlumeConfiguration configuration = new FlumeConfiguration(resolved);
        List<String> errors = configuration.getConfigurationErrors().stream()
                .filter(e -> e.getErrorOrWarning() == FlumeConfigurationError.ErrorOrWarning.ERROR)
                .map(e -> "component '" + e.getComponentName() + "'" + (e.getKey() == null || e.getKey().isEmpty() ? "" : " key '" + e.getKey() + "'")
                        + ": " + e.getErrorType().getError())
                .toList();
        if (!errors.isEmpty()) {
            throw new InvalidAgentConfigException(file + ": " + String.join("; ", errors));
        }
        FlumeConfiguration.AgentConfiguration agent = configuration.getConfigurationFor(agentName);
        if (agent == null) {
            throw new InvalidAgentConfigException(file + " defines no agent '" + agentName + "' (keys start with the agent's name, e.g. "
                    + agentName + ".sources = ...)");
        }
        checkEveryComponentSurvived(agentName, agent);
    }

    /**
     * Flume drops a component it cannot configure and says so only in its log; a component named in the agent's
     * lists but missing from the parsed agent is such a drop.
     */
    private void checkEveryComponentSurvived(String agentName, FlumeConfiguration.AgentConfiguration agent) {
        List<String> dropped = new ArrayList<>();
        compare(agentName, "sources", agent.getSourceSet(), dropped);
        compare(agentName, "channels", agent.getChannelSet(), dropped);
        compare(agentName, "sinks", agent.getSinkSet(), dropped);
        if (!dropped.isEmpty()) {
            throw new InvalidAgentConfigException(file + ": Flume rejected " + String.join(", ", dropped)
                    + " (check its type, its channels and its required keys)");
        }
    }

    private void compare(String agentName, String kind, java.util.Set<String> parsed, List<String> dropped) {
        String declared = properties.getProperty(agentName + "." + kind, "").trim();
        if (declared.isEmpty()) {
            return;
        }
        for (String name : declared.split("\\s+")) {
            if (!parsed.contains(name)) {
                dropped.add(kind.substring(0, kind.length() - 1) + " '" + name + "'");
            }
        }
    }
}
