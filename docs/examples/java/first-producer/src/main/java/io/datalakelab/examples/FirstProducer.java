package io.datalakelab.examples;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The course's first Java lab: sends 1000 messages to topic {@code topic} and waits until the broker has
 * acknowledged each one.
 *
 * <pre>
 * java -jar target/first-producer-0.1.0-SNAPSHOT.jar [bootstrap-servers [topic]]
 * </pre>
 *
 * The broker defaults to the environment variable {@code KAFKA_BOOTSTRAP}, else {@code localhost:9092}.
 * Message n (1 to 1000) has the key "n" and the value "message n". The exit code is 1 if any message failed.
 */
public final class FirstProducer {

    static final int MESSAGES = 1000;

    private FirstProducer() {
    }

    public static void main(String[] args) {
        String bootstrap = args.length > 0 ? args[0] : System.getenv().getOrDefault("KAFKA_BOOTSTRAP", "localhost:9092");
        String topic = args.length > 1 ? args[1] : "topic";

        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        // Acknowledged only once every in-sync replica has the message.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Without a reachable broker, fail after 10 s instead of the default minute.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");

        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            // Stops sending at the first failure: the rest would fail the same way, each after a wait.
            for (int n = 1; n <= MESSAGES && failed.get() == 0; n++) {
                // send() returns at once; the callback runs when the broker answers for this message.
                producer.send(new ProducerRecord<>(topic, Integer.toString(n), "message " + n), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.incrementAndGet();
                    } else if (failed.getAndIncrement() == 0) {
                        System.err.println("a message failed: " + error);
                    }
                });
            }
            // Waits until every message sent is acknowledged or has failed.
            producer.flush();
        }
        System.out.printf("%d of %d messages acknowledged on topic %s at %s%n", acknowledged.get(), MESSAGES, topic, bootstrap);
        if (acknowledged.get() != MESSAGES) {
            System.exit(1);
        }
    }
}
