package io.datalakelab.bench;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.rdbms.BinlogPosition;
import io.datalakelab.rdbms.CdcConfig;
import io.datalakelab.rdbms.ChangeCapture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Change capture against a running lab: rows/s reading a bulk load from the binlog into Kafka, side by side
 * with a raw binlog read of the same range in the same run (the ceiling: decode only, no Kafka), and the
 * commit → visible-in-Kafka latency of single-row transactions. Prints a Markdown report; asserts nothing.
 */
@Command(name = "cdc-benchmark", mixinStandardHelpOptions = true,
        description = "Measures ingestion-rdbms against a raw binlog read, and its single-row latency.")
public final class CdcBenchmark implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--database-port", defaultValue = "3306", description = "The lab's MariaDB (default: ${DEFAULT-VALUE}).")
    int databasePort;

    @Option(names = "--rows", defaultValue = "200000", description = "Rows of the bulk load (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--single-rows", defaultValue = "500", description = "Single-row transactions for the latency run (default: ${DEFAULT-VALUE}).")
    int singleRows;

    @Option(names = "--single-rate", defaultValue = "20", description = "Single-row transactions per second (default: ${DEFAULT-VALUE}).")
    int singleRate;

    public static void main(String[] args) {
        Commands.runAndExit(new CdcBenchmark(), args);
    }

    @Override
    public Integer call() throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        String server = "bench" + stamp;
        String schema = "bench_cdc_" + stamp;
        try (Connection db = connect()) {
            try (Statement sql = db.createStatement()) {
                sql.execute("CREATE DATABASE " + schema);
                sql.execute("CREATE TABLE " + schema + ".t (id BIGINT AUTO_INCREMENT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40) NOT NULL, "
                        + "c DECIMAL(10,2) NOT NULL, d DATETIME(3) NOT NULL)");
            }
            BinlogPosition start = binlogEnd(db);
            Measurements.progress("bulk load: %,d rows in transactions of 1,000 ...", rows);
            long loadStarted = System.nanoTime();
            db.setAutoCommit(false);
            try (Statement sql = db.createStatement()) {
                for (int done = 0; done < rows; done += 1000) {
                    StringBuilder insert = new StringBuilder("INSERT INTO " + schema + ".t (a, b, c, d) VALUES ");
                    for (int i = 0; i < Math.min(1000, rows - done); i++) {
                        insert.append(i == 0 ? "" : ",").append("(").append(done + i).append(", 'row ").append(done + i)
                                .append("', ").append((done + i) % 10000).append(".25, NOW(3))");
                    }
                    sql.execute(insert.toString());
                    db.commit();
                }
            }
            db.setAutoCommit(true);
            double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
            BinlogPosition end = binlogEnd(db);
            Measurements.progress("loaded in %.1f s; binlog %s .. %s", loadSeconds, start, end);

            double rawSeconds = rawBinlogRead(start, end);
            Measurements.progress("raw binlog read: %,.0f rows/s (%.1f s)", rows / rawSeconds, rawSeconds);

            CdcConfig config = CdcConfig.from(CdcConfig.SPEC.load(null, Map.of(), List.of("bootstrap.servers=" + bootstrapServers,
                    "database.port=" + databasePort, "server.name=" + server, "databases.include=" + schema, "snapshot.mode=never",
                    "health.port=-1")));
            storePosition(config, start);
            ChangeCapture capture = new ChangeCapture(config);
            Thread worker = new Thread(capture, "bench-capture");
            long captureStarted = System.nanoTime();
            worker.start();
            Measurements.awaitTrue("the capture to reach " + end, Duration.ofMinutes(10), Duration.ofMillis(5),
                    () -> capture.committedPosition().map(p -> p.isAtOrAfter(end)).orElse(false)
                    || capture.failure().isPresent());
            double captureSeconds = (System.nanoTime() - captureStarted) / 1e9;
            Measurements.progress("ingestion-rdbms: %,.0f rows/s (%.1f s, %,d change events)", rows / captureSeconds, captureSeconds,
                    capture.changesPublished());

            List<Long> latencies = singleRowLatencies(db, schema, server);
            capture.close();
            worker.join(60_000);
            if (capture.failure().isPresent()) {
                throw new JobFailedException("the capture failed: " + capture.failure().get().getMessage());
            }
            System.out.printf(Locale.ROOT, "CDC benchmark %s: %,d rows (5 columns) in transactions of 1,000; lab MariaDB, 3 brokers%n%n", stamp, rows);
            System.out.printf(Locale.ROOT, "| pass | rows/s | seconds | × raw binlog |%n|---|---:|---:|---:|%n");
            System.out.printf(Locale.ROOT, "| raw binlog read (decode only) | %,.0f | %.1f | 1.00 |%n", rows / rawSeconds, rawSeconds);
            System.out.printf(Locale.ROOT, "| ingestion-rdbms (binlog → Kafka, transactional) | %,.0f | %.1f | %.2f |%n",
                    rows / captureSeconds, captureSeconds, rawSeconds / captureSeconds);
            System.out.printf(Locale.ROOT, "%nSingle-row transactions at %d/s: commit → readable in Kafka (read_committed) p50 %.1f ms, "
                    + "p99 %.1f ms, max %.1f ms over %d rows%n", singleRate, Measurements.percentile(latencies, 0.5) / 1000, Measurements.percentile(latencies, 0.99) / 1000,
                    Measurements.percentile(latencies, 1.0) / 1000, latencies.size());
        }
        return Commands.OK;
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + databasePort + "/?user=root&allowPublicKeyRetrieval=true&useSSL=false");
    }

    private static BinlogPosition binlogEnd(Connection db) throws Exception {
        try (Statement sql = db.createStatement(); ResultSet result = sql.executeQuery("SHOW MASTER STATUS")) {
            result.next();
            return new BinlogPosition(result.getString(1), result.getLong(2), true);
        }
    }

    /** The ceiling: the same binlog range read and decoded by the client library, rows counted, nothing sent. */
    private double rawBinlogRead(BinlogPosition start, BinlogPosition end) throws Exception {
        BinaryLogClient client = new BinaryLogClient("127.0.0.1", databasePort, "root", "");
        client.setServerId(6400);
        client.setBinlogFilename(start.file());
        client.setBinlogPosition(start.position());
        client.setKeepAlive(false);
        EventDeserializer deserializer = new EventDeserializer();
        deserializer.setCompatibilityMode(EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY,
                EventDeserializer.CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO);
        client.setEventDeserializer(deserializer);
        AtomicLong counted = new AtomicLong();
        AtomicLong doneAt = new AtomicLong();
        client.registerEventListener(event -> {
            if (event.getHeader().getEventType() == EventType.EXT_WRITE_ROWS || event.getHeader().getEventType() == EventType.WRITE_ROWS) {
                counted.addAndGet(((WriteRowsEventData) event.getData()).getRows().size());
            }
            EventHeaderV4 header = event.getHeader();
            if (new BinlogPosition(client.getBinlogFilename(), Math.max(4, header.getNextPosition()), true).isAtOrAfter(end) && doneAt.get() == 0) {
                doneAt.set(System.nanoTime());
            }
        });
        long started = System.nanoTime();
        client.connect(10_000);
        Measurements.awaitTrue("the raw read to reach " + end, Duration.ofMinutes(10), Duration.ofMillis(5), () -> doneAt.get() != 0);
        client.disconnect();
        if (counted.get() < rows) {
            throw new JobFailedException("the raw read counted " + counted.get() + " rows, not " + rows);
        }
        return (doneAt.get() - started) / 1e9;
    }

    /** Writes the bulk load's start as the capture's stored position, so it reads exactly that range. */
    private void storePosition(CdcConfig config, BinlogPosition start) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
             org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(config.offsetsTopic(), 1, (short) 3)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
            producer.send(new ProducerRecord<>(config.offsetsTopic(), config.serverName().getBytes(), start.toJson())).get();
        }
    }

    /** Commit returned → the row's event read by a read_committed consumer, per row, in microseconds. */
    private List<Long> singleRowLatencies(Connection db, String schema, String server) throws Exception {
        Measurements.progress("single-row transactions: %d at %d/s ...", singleRows, singleRate);
        Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-" + server);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        String topic = "rdbms." + server + "." + schema + ".t";
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Measurements.awaitTrue("the latency consumer's assignment", Duration.ofMinutes(10), Duration.ofMillis(5), () -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });
            consumer.seekToEnd(consumer.assignment());
            consumer.assignment().forEach(consumer::position);
            Thread writer = new Thread(() -> {
                try (Statement sql = db.createStatement()) {
                    for (int i = 0; i < singleRows; i++) {
                        sql.executeUpdate("INSERT INTO " + schema + ".t (a, b, c, d) VALUES (" + i + ", 'single', 1.00, NOW(3))",
                                Statement.RETURN_GENERATED_KEYS);
                        long now = System.nanoTime();
                        try (ResultSet keys = sql.getGeneratedKeys()) {
                            keys.next();
                            committedAt.put(keys.getLong(1), now);
                        }
                        Thread.sleep(1000L / singleRate);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-single-rows");
            writer.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            Map<Long, Long> seenAt = new java.util.HashMap<>();
            while (seenAt.size() < singleRows && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    if (record.value() != null) {
                        long id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(record.value()).get("after").get("id").asLong();
                        seenAt.put(id, now);
                    }
                }
            }
            writer.join();
            seenAt.forEach((id, seen) -> {
                Long committed = committedAt.get(id);
                if (committed != null) {
                    latencies.add(seen - committed);
                }
            });
        }
        List<Long> micros = new ArrayList<>();
        latencies.forEach(nanos -> micros.add(nanos / 1_000));
        return micros;
    }


}
