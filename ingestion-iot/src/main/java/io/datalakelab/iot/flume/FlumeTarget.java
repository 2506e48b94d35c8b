package io.datalakelab.iot.flume;

import io.datalakelab.core.config.ConfigRule;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The Flume agents the simulator sends to with {@code output=flume}, and how: flume-ng-sdk's Avro RPC client, batched,
 * with failover or load balancing when there is more than one agent.
 *
 * @param agents         host:port of each agent's Avro source
 * @param selection      how a batch picks its agent when there are several
 * @param batchSize      readings per RPC call
 * @param linger         longest a reading waits in a partly filled batch (checked when the next reading is sent)
 * @param requestTimeout how long one RPC call may take before the agent counts as failed
 */
public record FlumeTarget(List<String> agents, Selection selection, int batchSize, Duration linger, Duration requestTimeout) {

    public static final List<String> DEFAULT_AGENTS = List.of("localhost:4141", "localhost:4142");

    /** How flume-ng-sdk chooses an agent for each batch. */
    public enum Selection {
        /** Every batch to the first agent that is up; the others are standbys. */
        FAILOVER,
        /** Batches spread over the agents in turn; an agent that fails is skipped with a growing backoff. */
        ROUND_ROBIN,
        /** Batches spread over the agents at random, with the same backoff. */
        RANDOM
    }

    public FlumeTarget {
        agents = List.copyOf(agents);
    }

    /** host:port with a port in 1..65535. */
    public static ConfigRule<List<String>> agentAddresses() {
        return new ConfigRule<>("a non-empty list of host:port", list -> !list.isEmpty() && list.stream().allMatch(FlumeTarget::isAddress));
    }

    private static boolean isAddress(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            return port > 0 && port < 65536;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The properties flume-ng-sdk's {@code RpcClientFactory} builds a client from. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < agents.size(); i++) {
            String name = "agent" + (i + 1);
            names.append(i == 0 ? "" : " ").append(name);
            properties.setProperty("hosts." + name, agents.get(i));
        }
        properties.setProperty("hosts", names.toString());
        properties.setProperty("batch-size", Integer.toString(batchSize));
        properties.setProperty("connect-timeout", Long.toString(Math.min(requestTimeout.toMillis(), 10_000)));
        properties.setProperty("request-timeout", Long.toString(requestTimeout.toMillis()));
        if (agents.size() == 1) {
            properties.setProperty("client.type", "default");
        } else if (selection == Selection.FAILOVER) {
            properties.setProperty("client.type", "default_failover");
            properties.setProperty("max-attempts", Integer.toString(agents.size()));
        } else {
            properties.setProperty("client.type", "default_loadbalance");
            properties.setProperty("host-selector", selection == Selection.RANDOM ? "random" : "round_robin");
            properties.setProperty("backoff", "true");
            properties.setProperty("maxBackoff", "10000");
        }
        return properties;
    }
}
