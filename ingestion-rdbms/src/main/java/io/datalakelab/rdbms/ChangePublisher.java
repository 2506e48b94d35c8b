package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datalakelab.core.topic.TopicProvisioner;
import io.datalakelab.core.topic.TopicSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes change events and the binlog position after them in one Kafka transaction, so that what Kafka
 * readers see (with {@code isolation.level=read_committed}) and the position the service resumes from always
 * agree: a transaction is in Kafka with its position, or neither is. The position lives in a compacted
 * one-partition topic, keyed by the server name. The transactional id is fixed per server, so a second
 * instance fences the first instead of both writing.
 */
public final class ChangePublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangePublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CdcConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final Set<String> knownTopics = new HashSet<>();
    private final byte[] positionKey;
    private final String deadLetterTopic;
    private final String schemaChangeTopic;
    private final String transactionTopic;
    private final String heartbeatTopic;
    private volatile long deadLettered;

    public ChangePublisher(CdcConfig config) {
        this.config = config;
        this.positionKey = config.serverName().getBytes(StandardCharsets.UTF_8);
        this.deadLetterTopic = "rdbms." + config.serverName() + ".dlq";
        this.schemaChangeTopic = "rdbms." + config.serverName() + ".schema-changes";
        this.transactionTopic = "rdbms." + config.serverName() + ".transaction";
        this.heartbeatTopic = "rdbms." + config.serverName() + ".heartbeat";
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ingestion-rdbms-" + config.serverName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        // A Kafka transaction carries every source transaction read meanwhile: large batches keep the
        // requests per commit few (the default 16 KiB batch made a bulk load wait on thousands of requests).
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putAll(config.producerOverrides());
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    void initTransactions() throws Exception {
        ensureTopic(config.offsetsTopic(), 1, true);
        ensureTopic(deadLetterTopic, 1, false);
        ensureTopic(schemaChangeTopic, 1, false);
        if (config.transactionEvents()) {
            ensureTopic(transactionTopic, 1, false);
        }
        if (!config.heartbeatInterval().isZero()) {
            ensureTopic(heartbeatTopic, 1, false);
        }
        producer.initTransactions();
    }

    /** The position stored by the last committed transaction, read to the end of the offsets topic. */
    Optional<BinlogPosition> storedPosition() {
        return storedPosition(config.bootstrapServers(), config.offsetsTopic(), config.serverName());
    }

    /** The position a capture of {@code serverName} stored in {@code offsetsTopic}, if any (e.g. to see how far it got). */
    public static Optional<BinlogPosition> storedPosition(String bootstrapServers, String offsetsTopic, String serverName) {
        byte[] key = serverName.getBytes(StandardCharsets.UTF_8);
        byte[][] last = {null};
        readOffsetsTopic(bootstrapServers, offsetsTopic, record -> {
            if (java.util.Arrays.equals(record.key(), key)) {
                last[0] = record.value();
            }
        });
        return last[0] == null ? Optional.empty() : Optional.of(BinlogPosition.fromJson(last[0]));
    }

    /**
     * Reads the one-partition offsets topic from its start to its end, as {@code read_committed}, handing each record
     * to {@code each} (the binlog position and the polling offsets share it, under different keys). A missing topic
     * reads as empty and is not created: the service creates it compacted.
     */
    static void readOffsetsTopic(String bootstrapServers, String offsetsTopic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            if (consumer.partitionsFor(offsetsTopic).isEmpty()) {
                return;
            }
            TopicPartition partition = new TopicPartition(offsetsTopic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    /** Sends {@code changes} and the position after them in one Kafka transaction. */
    void publish(List<ChangeEvents.Change> changes, BinlogPosition after) {
        List<ChangeEvents.Change> records = new java.util.ArrayList<>(changes.size() + 1);
        records.addAll(changes);
        records.add(new ChangeEvents.Change(config.offsetsTopic(), positionKey, after.toJson()));
        publishTransaction(records);
    }

    /** A DDL statement as an event of the schema-change topic. */
    ChangeEvents.Change schemaChange(String database, String ddl, String file, long position) {
        ObjectNode event = JSON.createObjectNode();
        event.put("server", config.serverName());
        event.put("db", database);
        event.put("ddl", ddl);
        event.put("file", file);
        event.put("pos", position);
        event.put("ts_ms", System.currentTimeMillis());
        try {
            return new ChangeEvents.Change(schemaChangeTopic, database.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(event));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code change} is a row change event (not a tombstone, nor one of the service's own topics' records). */
    boolean isRowChange(ChangeEvents.Change change) {
        return change.value() != null && !change.topic().equals(deadLetterTopic) && !change.topic().equals(schemaChangeTopic)
                && !change.topic().equals(transactionTopic) && !change.topic().equals(heartbeatTopic);
    }

    /** The BEGIN event of a source transaction, for {@code rdbms.<server>.transaction}; key = {"id": ...}. */
    ChangeEvents.Change transactionBegin(String id, String gtid, long commitMillis) {
        return transactionEvent("BEGIN", id, gtid, commitMillis, null, null);
    }

    /** The END event of a source transaction: how many changes it had, in all and per table. */
    ChangeEvents.Change transactionEnd(String id, String gtid, long commitMillis, long changes, Map<String, Long> perTable) {
        return transactionEvent("END", id, gtid, commitMillis, changes, perTable);
    }

    private ChangeEvents.Change transactionEvent(String status, String id, String gtid, long commitMillis, Long changes,
                                                 Map<String, Long> perTable) {
        ObjectNode key = JSON.createObjectNode().put("id", id);
        ObjectNode event = JSON.createObjectNode();
        event.put("status", status);
        event.put("id", id);
        if (gtid == null) {
            event.putNull("gtid");
        } else {
            event.put("gtid", gtid);
        }
        event.put("ts_ms", commitMillis);
        if (changes == null) {
            event.putNull("event_count");
            event.putNull("data_collections");
        } else {
            event.put("event_count", changes);
            var collections = event.putArray("data_collections");
            perTable.forEach((table, count) -> collections.addObject().put("data_collection", table).put("event_count", count));
        }
        try {
            return new ChangeEvents.Change(transactionTopic, JSON.writeValueAsBytes(key), JSON.writeValueAsBytes(event));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A heartbeat for {@code rdbms.<server>.heartbeat}: the capture is alive and has stored {@code position}. */
    ChangeEvents.Change heartbeat(BinlogPosition position) {
        ObjectNode event = JSON.createObjectNode();
        event.put("server", config.serverName());
        event.put("file", position.file());
        event.put("pos", position.position());
        event.put("ts_ms", System.currentTimeMillis());
        try {
            return new ChangeEvents.Change(heartbeatTopic, positionKey, JSON.writeValueAsBytes(event));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A binlog event the service cannot turn into change events, as a record of {@code rdbms.<server>.dlq} with
     * the reason and its binlog position in headers. It travels with its source transaction, so it is as
     * durable as the position that passes it: never a silent skip.
     */
    ChangeEvents.Change deadLetter(String reason, String file, long position) {
        deadLettered++;
        LOG.error("dead-lettered the binlog event at {}:{}: {}", file, position, reason);
        return new ChangeEvents.Change(deadLetterTopic, null, reason.getBytes(StandardCharsets.UTF_8), Map.of(
                "dlq.reason", reason, "dlq.binlog.file", String.valueOf(file), "dlq.binlog.position", Long.toString(position)));
    }

    public long deadLettered() {
        return deadLettered;
    }

    /**
     * Sends {@code records} in one Kafka transaction, offsets-topic records among them: the polling mode keeps one
     * offset per table there ({@link PollingOffsets}) and writes it with the rows it covers.
     */
    void publishTransaction(List<ChangeEvents.Change> records) {
        for (ChangeEvents.Change record : records) {
            if (!record.topic().equals(config.offsetsTopic()) && knownTopics.add(record.topic())) {
                ensureTopic(record.topic(), config.topicPartitions(), false);
            }
        }
        producer.beginTransaction();
        try {
            for (ChangeEvents.Change change : records) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(change.topic(), change.key(), change.value());
                change.headers().forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
                producer.send(record);
            }
            producer.commitTransaction();
        } catch (RuntimeException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    private void ensureTopic(String topic, int partitions, boolean compacted) {
        try {
            int brokers = admin.describeCluster().nodes().get().size();
            short rf = (short) Math.min(config.topicReplication(), brokers);
            if (compacted) {
                NewTopic offsets = new NewTopic(topic, 1, rf).configs(Map.of("cleanup.policy", "compact",
                        "min.insync.replicas", Integer.toString(Math.min(2, rf))));
                try {
                    admin.createTopics(List.of(offsets)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            new TopicProvisioner(admin).ensure(new TopicSpec(topic, partitions, rf, Math.min(2, rf), TopicSpec.DEFAULT_RETENTION));
            knownTopics.add(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        admin.close();
    }
}
