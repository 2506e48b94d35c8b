package io.datalakelab.bench.debezium;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.JsonByteArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Debezium as Debezium Server runs it with its Kafka sink: the embedded engine reads the binlog, and every batch of
 * change events goes to Kafka through one KafkaProducer; the batch is marked processed (and its offset may be
 * stored) only when every record of it is acknowledged.
 *
 * <p>Started by the change-capture benchmark in a JVM of its own, with one argument: a properties file in Debezium
 * Server's naming, {@code debezium.source.*} for the engine and connector, {@code debezium.sink.kafka.producer.*} for
 * the producer, and {@code bench.count.topic}, the topic whose records are counted. It talks over its standard
 * streams: it prints {@code started} when the engine is about to run and {@code acked <counted> <all>} (running totals)
 * after every batch, and it stops when its standard input closes. Its own log goes to standard error.
 */
public final class DebeziumPeer {

    private static final String SOURCE = "debezium.source.";
    private static final String PRODUCER = "debezium.sink.kafka.producer.";
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);

    private DebeziumPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: DebeziumPeer <properties file>");
            System.exit(2);
        }
        Properties all = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            all.load(in);
        }
        String countTopic = all.getProperty("bench.count.topic");
        if (countTopic == null) {
            System.err.println("bench.count.topic is not set in " + args[0]);
            System.exit(2);
        }
        // The protocol lines only: Debezium's own logging goes to stderr.
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(subset(all, PRODUCER), new ByteArraySerializer(), new ByteArraySerializer());
        long[] counted = new long[2];
        DebeziumEngine<ChangeEvent<byte[], byte[]>> engine = DebeziumEngine.create(JsonByteArray.class)
                .using(subset(all, SOURCE))
                .notifying((List<ChangeEvent<byte[], byte[]>> records, DebeziumEngine.RecordCommitter<ChangeEvent<byte[], byte[]>> committer) -> {
                    // Debezium Server's Kafka sink: send the whole batch, then wait for each acknowledgement in order.
                    List<Future<RecordMetadata>> deliveries = new ArrayList<>(records.size());
                    for (ChangeEvent<byte[], byte[]> record : records) {
                        deliveries.add(producer.send(new ProducerRecord<>(record.destination(), record.key(), record.value())));
                    }
                    long inTopic = 0;
                    for (int i = 0; i < records.size(); i++) {
                        try {
                            deliveries.get(i).get(DELIVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                            throw new IllegalStateException("cannot send a change event to " + records.get(i).destination(), e);
                        }
                        if (countTopic.equals(records.get(i).destination()) && records.get(i).value() != null) {
                            inTopic++;
                        }
                        committer.markProcessed(records.get(i));
                    }
                    committer.markBatchFinished();
                    counted[0] += inTopic;
                    counted[1] += records.size();
                    out.println("acked " + counted[0] + " " + counted[1]);
                })
                .using((success, message, error) -> {
                    if (!success) {
                        System.err.println("the engine stopped: " + message + (error == null ? "" : " (" + error + ")"));
                        out.println("failed " + message.replace('\n', ' '));
                    }
                })
                .build();

        ExecutorService runner = Executors.newSingleThreadExecutor();
        out.println("started");
        Future<?> running = runner.submit(engine);
        // Runs until the benchmark closes our standard input (or the engine stops by itself).
        Thread stdinWatch = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (in.readLine() != null) {
                    // nothing is expected on stdin; its end is the signal
                }
            } catch (IOException e) {
                // a broken pipe means the benchmark is gone: stop as well
            }
            try {
                engine.close();
            } catch (IOException e) {
                System.err.println("closing the engine failed: " + e);
            }
        }, "stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();
        try {
            running.get();
        } catch (ExecutionException e) {
            System.err.println("the engine failed: " + e.getCause());
        }
        runner.shutdown();
        producer.close(Duration.ofSeconds(10));
        out.println("stopped");
    }

    private static Properties subset(Properties all, String prefix) {
        Properties subset = new Properties();
        for (String key : all.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                subset.put(key.substring(prefix.length()), all.getProperty(key));
            }
        }
        return subset;
    }
}
