package io.datalakelab.flume.launch;

import java.nio.file.Path;
import java.util.Map;
import org.apache.flume.node.Application;

/**
 * Starts a Flume agent the way {@code flume-ng agent} does ({@code -n <agent> -f <file>} plus any other option of
 * {@link Application}), after checking its configuration file: every {@code ${env:NAME}} without a default is set,
 * and Flume's parser accepts every source, channel and sink the agent names. A bad file ends the process with exit
 * code 2 and one line naming the file, key and cause, instead of an agent that runs without the component at fault.
 */
public final class AgentLauncher {

    static final int BAD_CONFIGURATION = 2;

    private AgentLauncher() {
    }

    public static void main(String[] args) throws Exception {
        String agentName = option(args, "-n", "--name");
        String file = option(args, "-f", "--conf-file");
        if (agentName == null || file == null) {
            System.err.println("usage: AgentLauncher -n <agent name> -f <configuration file> [flume-ng agent options]");
            System.exit(BAD_CONFIGURATION);
        }
        try {
            AgentConfigFile config = AgentConfigFile.read(Path.of(file));
            Map<String, String> resolved = config.resolve(System::getenv);
            config.check(agentName, resolved);
        } catch (InvalidAgentConfigException e) {
            System.err.println("flume-agent: " + e.getMessage());
            System.exit(BAD_CONFIGURATION);
        }
        Application.main(args);
    }

    private static String option(String[] args, String shortName, String longName) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(shortName) || args[i].equals(longName)) {
                return args[i + 1];
            }
        }
        return null;
    }
}
