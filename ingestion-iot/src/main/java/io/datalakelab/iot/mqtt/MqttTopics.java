package io.datalakelab.iot.mqtt;

import io.datalakelab.core.config.ConfigRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The MQTT side of the readings contract, shared by the devices (the simulator's MQTT output) and the bridge: a device
 * publishes to {@code <prefix>/<site>/<deviceId>}, the bridge subscribes to {@code <prefix>/#}. The payload is the
 * reading exactly as Kafka carries it (JSON or Avro single-object), so the bridge copies bytes and decodes only to
 * key, check and deduplicate.
 */
public final class MqttTopics {

    public static final String DEFAULT_PREFIX = "datalakelab/readings";
    public static final String DEFAULT_BROKER = "tcp://localhost:1883";

    /** A topic level that needs no escaping: no level separator, no wildcard, no NUL. */
    private static final Pattern LEVEL = Pattern.compile("[^/+#\\u0000]+");

    private MqttTopics() {
    }

    /** Where a device publishes its readings. */
    public static String readingTopic(String prefix, String site, String deviceId) {
        return prefix + "/" + requireLevel(site, "site") + "/" + requireLevel(deviceId, "device id");
    }

    /** What the bridge subscribes to: every device of every site under the prefix. */
    public static String subscription(String prefix) {
        return prefix + "/#";
    }

    /** The device id a topic names (its last level), or {@code null} when the topic is not a reading topic under the prefix. */
    public static String deviceIdOf(String prefix, String topic) {
        if (!topic.startsWith(prefix + "/")) {
            return null;
        }
        String[] levels = topic.substring(prefix.length() + 1).split("/", -1);
        return levels.length == 2 && !levels[1].isEmpty() ? levels[1] : null;
    }

    /** {@code tcp://host:port} or {@code ssl://host:port}: the URIs Paho connects to. */
    public static ConfigRule<String> brokerUri() {
        return new ConfigRule<>("tcp://host:port or ssl://host:port", MqttTopics::isBrokerUri);
    }

    /** A topic prefix: one or more levels, no wildcards, no empty level, no leading or trailing '/'. */
    public static ConfigRule<String> topicPrefix() {
        return new ConfigRule<>("MQTT topic levels separated by '/', without wildcards (+ #) or empty levels",
                p -> Arrays.stream(p.split("/", -1)).allMatch(l -> LEVEL.matcher(l).matches()));
    }

    private static boolean isBrokerUri(String text) {
        try {
            URI uri = new URI(text);
            return ("tcp".equals(uri.getScheme()) || "ssl".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getPort() > 0 && (uri.getPath() == null || uri.getPath().isEmpty());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String requireLevel(String level, String what) {
        if (!LEVEL.matcher(level).matches()) {
            throw new IllegalArgumentException(what + " '" + level + "' cannot be an MQTT topic level (no '/', '+', '#')");
        }
        return level;
    }
}
