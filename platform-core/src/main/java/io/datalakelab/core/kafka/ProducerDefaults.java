package io.datalakelab.core.kafka;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The delivery contract every producer of the platform starts from: idempotent with {@code acks=all}, so a retry
 * never duplicates or reorders a record within its partition. Services add their batching and overrides on top.
 */
public final class ProducerDefaults {

    private ProducerDefaults() {
    }

    public static Properties reliable(String bootstrapServers, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }
}
