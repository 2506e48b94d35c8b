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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * Change capture against a running lab, every pass over the same binlog range in the same run: a raw binlog read
 * (decode only, and decode + a plain idempotent producer: the two ceilings), {@code ingestion-rdbms}, and Debezium's
 * embedded engine with a Kafka sink (in a JVM of its own); rows/s of a bulk load, then the commit → readable-in-Kafka
 * latency of single-row transactions for each pass that sends to Kafka, and what one Kafka commit costs on the lab.
 * Prints a Markdown report; asserts nothing.
 */
@Command(name = "cdc-benchmark", mixinStandardHelpOptions = true,
        description = "Measures ingestion-rdbms against Debezium and a raw binlog read, and their single-row latency.")
public final class CdcBenchmark implements Callable<Integer> {

    /** The peer's version, as pinned in the parent pom (debezium.version). */
    private static final String DEBEZIUM_VERSION = "3.5.0.Final";
    private static final List<String> ALL_PASSES = List.of("raw", "raw-kafka", "capture", "debezium");

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--database-port", defaultValue = "3306", description = "The lab's MariaDB (default: ${DEFAULT-VALUE}).")
    int databasePort;

    @Option(names = "--rows", defaultValue = "200000", description = "Rows of the bulk load (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--single-rows", defaultValue = "500", description = "Single-row transactions per latency run (default: ${DEFAULT-VALUE}).")
    int singleRows;

    @Option(names = "--single-rate", defaultValue = "20", description = "Single-row transactions per second (default: ${DEFAULT-VALUE}).")
    int singleRate;

    @Option(names = "--passes", split = ",", defaultValue = "raw,raw-kafka,capture,debezium",
            description = "Passes to run, in this order: raw (decode only), raw-kafka (decode + idempotent producer), capture "
                    + "(ingestion-rdbms), debezium (default: ${DEFAULT-VALUE}).")
    List<String> passes;

    @Option(names = "--capture-set", paramLabel = "KEY=VALUE",
            description = "A setting of ingestion-rdbms for its pass, e.g. kafka.producer.linger.ms=0 (repeatable).")
    List<String> captureSettings = new ArrayList<>();

    @Option(names = "--debezium-set", paramLabel = "KEY=VALUE",
            description = "A Debezium engine/connector setting overriding the benchmark's tuning, e.g. poll.interval.ms=100 (repeatable).")
    List<String> debeziumSettings = new ArrayList<>();

    @Option(names = "--latency-consumer-set", paramLabel = "KEY=VALUE",
            description = "A setting of the read_committed consumer that times the single-row latency, e.g. fetch.max.wait.ms=10 (repeatable).")
    List<String> latencyConsumerSettings = new ArrayList<>();

    @Option(names = "--commit-cost-records", defaultValue = "200",
            description = "Records written one at a time (at --single-rate) to time one Kafka transaction against one idempotent send; "
                    + "0 skips it (default: ${DEFAULT-VALUE}).")
    int commitCostRecords;

    @Option(names = "--debezium-home", defaultValue = "benchmarks/debezium/target",
            description = "Where the Debezium peer's jar and debezium.classpath are (default: ${DEFAULT-VALUE}).")
    Path debeziumHome;

    @Option(names = "--debezium-heap", defaultValue = "1g", description = "Heap of the Debezium peer's JVM (default: ${DEFAULT-VALUE}).")
    String debeziumHeap;

    /** One line of the report. */
    private record Pass(String name, double seconds, double startupSeconds, List<Long> latencyMicros, String topic) {
    }

    public static void main(String[] args) {
        Commands.runAndExit(new CdcBenchmark(), args);
    }

    @Override
    public Integer call() throws Exception {
        for (String pass : passes) {
            if (!ALL_PASSES.contains(pass)) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--passes: unknown pass '" + pass
                        + "', allowed: " + ALL_PASSES);
            }
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        String schema = "bench_cdc_" + stamp;
        loadAtStart = loadAverage();
        List<Pass> results = new ArrayList<>();
        try (Connection db = connect()) {
            try (Statement sql = db.createStatement()) {
                sql.execute("CREATE DATABASE " + schema);
                sql.execute("CREATE TABLE " + schema + ".t (id BIGINT AUTO_INCREMENT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40) NOT NULL, "
                        + "c DECIMAL(10,2) NOT NULL, d DATETIME(3) NOT NULL)");
            }
            BinlogPosition start = binlogEnd(db);
            String startGtids = gtidPosition(db);
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

            for (String pass : passes) {
                switch (pass) {
                    case "raw" -> {
                        double seconds = rawBinlogRead(start, end);
                        Measurements.progress("raw binlog read: %,.0f rows/s (%.1f s)", rows / seconds, seconds);
                        results.add(new Pass("raw binlog read (decode only)", seconds, Double.NaN, List.of(), null));
                    }
                    case "raw-kafka" -> results.add(rawBinlogToKafka(db, schema, stamp, start));
                    case "capture" -> results.add(capture(db, schema, stamp, start, end));
                    case "debezium" -> results.add(debezium(db, schema, stamp, start, startGtids));
                    default -> throw new IllegalStateException(pass);
                }
            }
        }
        List<KafkaCommitCost.Cost> costs = List.of();
        if (commitCostRecords > 0) {
            Measurements.progress("Kafka alone: %d single records at %d/s, idempotent, then transactional ...", commitCostRecords, singleRate);
            Map<String, String> producerOverrides = new java.util.LinkedHashMap<>();
            settings(captureSettings).forEach((k, v) -> {
                if (k.startsWith("kafka.producer.")) {
                    producerOverrides.put(k.substring("kafka.producer.".length()), v);
                }
            });
            costs = new KafkaCommitCost(bootstrapServers, producerOverrides, settings(latencyConsumerSettings)).measure("bench-commit-cost-" + stamp,
                    commitCostRecords, singleRate);
        }
        report(stamp, results, costs);
        return Commands.OK;
    }

    private void report(String stamp, List<Pass> results, List<KafkaCommitCost.Cost> costs) throws Exception {
        double raw = results.stream().filter(r -> r.name().startsWith("raw binlog read (decode")).mapToDouble(Pass::seconds).findFirst().orElse(Double.NaN);
        double debezium = results.stream().filter(r -> r.name().startsWith("Debezium")).mapToDouble(Pass::seconds).findFirst().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "CDC benchmark %s: %,d rows (5 columns) in transactions of 1,000; lab MariaDB, 3 brokers; "
                + "load average %s at the start, %s at the end%n%n", stamp, rows, loadAtStart, loadAverage());
        System.out.printf(Locale.ROOT, "| pass | rows/s | seconds | of which start → first row acked | rows/s after the first row | × raw binlog | "
                + "× Debezium | mean record (key + value) | single-row commit → readable p50 | p99 | max |%n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n");
        for (Pass r : results) {
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %.1f | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.name(), rows / r.seconds(), r.seconds(),
                    Double.isNaN(r.startupSeconds()) ? "—" : String.format(Locale.ROOT, "%.1f", r.startupSeconds()),
                    Double.isNaN(r.startupSeconds()) ? "—" : String.format(Locale.ROOT, "%,.0f", rows / (r.seconds() - r.startupSeconds())),
                    ratio(raw, r.seconds()), ratio(debezium, r.seconds()), r.topic() == null ? "—" : String.format(Locale.ROOT, "%.0f B", meanRecordBytes(r.topic())),
                    millis(r.latencyMicros(), 0.5), millis(r.latencyMicros(), 0.99), millis(r.latencyMicros(), 1.0));
        }
        System.out.printf(Locale.ROOT, "%nLatency: %d single-row inserts at %d/s per pass, commit returned → the row's event read by a "
                + "read_committed consumer%s.%n", singleRows, singleRate,
                latencyConsumerSettings.isEmpty() ? " (consumer defaults)" : " (" + String.join(", ", latencyConsumerSettings) + ")");
        if (!captureSettings.isEmpty()) {
            System.out.printf(Locale.ROOT, "ingestion-rdbms settings: %s%n", String.join(", ", captureSettings));
        }
        if (!debeziumSettings.isEmpty()) {
            System.out.printf(Locale.ROOT, "Debezium settings: %s%n", String.join(", ", debeziumSettings));
        }
        if (!costs.isEmpty()) {
            System.out.printf(Locale.ROOT, "%nKafka alone, one record at a time at %d/s to a topic of 3 partitions, RF 3, min ISR 2, "
                    + "with the kafka.producer.* settings above:%n%n"
                    + "| write | producer call p50 | p99 | → readable (read_committed) p50 | p99 | batches retried |%n|---|---:|---:|---:|---:|---:|%n", singleRate);
            for (KafkaCommitCost.Cost cost : costs) {
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %d |%n", cost.how(), millis(cost.producerMicros(), 0.5),
                        millis(cost.producerMicros(), 0.99), millis(cost.visibleMicros(), 0.5), millis(cost.visibleMicros(), 0.99), cost.retries());
            }
        }
    }

    private String loadAtStart;

    /** The 1-minute load average: this machine is shared, and the report says how busy it was. */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** How many times faster a pass of {@code seconds} is than one of {@code otherSeconds}; a dash when that pass did not run. */
    private static String ratio(double otherSeconds, double seconds) {
        return Double.isNaN(otherSeconds) ? "—" : String.format(Locale.ROOT, "%.2f", otherSeconds / seconds);
    }

    private static String millis(List<Long> micros, double p) {
        return micros.isEmpty() ? "—" : String.format(Locale.ROOT, "%.1f ms", Measurements.percentile(micros, p) / 1000);
    }

    /** The benchmark table's rows so far (each pass reads them all from the start of the bulk load). */
    private static long rowsInTable(Connection db, String schema) throws Exception {
        try (Statement sql = db.createStatement(); ResultSet result = sql.executeQuery("SELECT COUNT(*) FROM " + schema + ".t")) {
            result.next();
            return result.getLong(1);
        }
    }

    private Pass rawBinlogToKafka(Connection db, String schema, String stamp, BinlogPosition start) throws Exception {
        String topic = "rawkafka" + stamp + "." + schema + ".t";
        createTopic(topic);
        long backlog = rowsInTable(db, schema);
        try (RawBinlogToKafka raw = new RawBinlogToKafka(databasePort, bootstrapServers, RawBinlogToKafka.producerSettings(bootstrapServers), topic)) {
            long started = System.nanoTime();
            raw.start(start);
            raw.awaitAcked(rows, Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - started) / 1e9;
            Measurements.progress("raw binlog read → Kafka: %,.0f rows/s (%.1f s)", rows / seconds, seconds);
            raw.awaitAcked(backlog, Duration.ofMinutes(10));
            List<Long> latencies = singleRowLatencies(db, schema, topic);
            return new Pass("raw binlog read → Kafka (idempotent producer, no transactions)", seconds, (raw.firstAckedAt() - started) / 1e9,
                    latencies, topic);
        }
    }

    private Pass capture(Connection db, String schema, String stamp, BinlogPosition start, BinlogPosition end) throws Exception {
        String server = "bench" + stamp;
        List<String> settings = new ArrayList<>(List.of("bootstrap.servers=" + bootstrapServers, "database.port=" + databasePort,
                "server.name=" + server, "databases.include=" + schema, "snapshot.mode=never", "health.port=-1"));
        settings.addAll(captureSettings);
        CdcConfig config = CdcConfig.from(CdcConfig.SPEC.load(null, Map.of(), settings));
        storePosition(config, start);
        ChangeCapture capture = new ChangeCapture(config);
        Thread worker = new Thread(capture, "bench-capture");
        long captureStarted = System.nanoTime();
        AtomicLong firstPublishedAt = new AtomicLong();
        worker.start();
        Measurements.awaitTrue("the capture to reach " + end, Duration.ofMinutes(10), Duration.ofMillis(5), () -> {
            if (firstPublishedAt.get() == 0 && capture.changesPublished() > 0) {
                firstPublishedAt.set(System.nanoTime());
            }
            return capture.committedPosition().map(p -> p.isAtOrAfter(end)).orElse(false) || capture.failure().isPresent();
        });
        double seconds = (System.nanoTime() - captureStarted) / 1e9;
        Measurements.progress("ingestion-rdbms: %,.0f rows/s (%.1f s, %,d change events)", rows / seconds, seconds, capture.changesPublished());
        BinlogPosition now = binlogEnd(db);
        Measurements.awaitTrue("the capture to reach " + now, Duration.ofMinutes(10), Duration.ofMillis(5),
                () -> capture.committedPosition().map(p -> p.isAtOrAfter(now)).orElse(false) || capture.failure().isPresent());
        String topic = "rdbms." + server + "." + schema + ".t";
        long retriesBefore = ProducerRetries.ofClient("producer-ingestion-rdbms-" + server);
        List<Long> latencies = singleRowLatencies(db, schema, topic);
        Measurements.progress("ingestion-rdbms: %d producer batches retried during the single-row run",
                ProducerRetries.ofClient("producer-ingestion-rdbms-" + server) - retriesBefore);
        capture.close();
        worker.join(60_000);
        if (capture.failure().isPresent()) {
            throw new JobFailedException("the capture failed: " + capture.failure().get().getMessage());
        }
        return new Pass("ingestion-rdbms (binlog → Kafka, transactional)", seconds, (firstPublishedAt.get() - captureStarted) / 1e9, latencies, topic);
    }

    /**
     * Debezium tuned for both a bulk load and single rows: large batches and queue for throughput, a short poll interval
     * (the engine's queue hands a batch over when it is full or when the interval ends), schemaless JSON, decimals as
     * strings like ours, offsets stored after every batch (ours are stored with every Kafka transaction), schema history of
     * the captured table only.
     */
    private Map<String, String> debeziumSource(String schema) {
        Map<String, String> source = new java.util.LinkedHashMap<>();
        source.put("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        source.put("database.hostname", "127.0.0.1");
        source.put("database.port", Integer.toString(databasePort));
        source.put("database.user", "root");
        source.put("database.password", "");
        source.put("database.server.id", "6401");
        source.put("database.ssl.mode", "disable");
        source.put("database.include.list", schema);
        source.put("table.include.list", schema + ".t");
        source.put("snapshot.mode", "recovery");
        source.put("snapshot.locking.mode", "none");
        source.put("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
        // Without these, the schema recovery reads the definition of every table of every database on the server.
        source.put("schema.history.internal.store.only.captured.tables.ddl", "true");
        source.put("schema.history.internal.store.only.captured.databases.ddl", "true");
        source.put("include.schema.changes", "false");
        source.put("decimal.handling.mode", "string");
        source.put("converter.schemas.enable", "false");
        source.put("offset.flush.interval.ms", "0");
        source.put("max.batch.size", "8192");
        source.put("max.queue.size", "32768");
        source.put("poll.interval.ms", "5");
        source.putAll(settings(debeziumSettings));
        return source;
    }

    private Pass debezium(Connection db, String schema, String stamp, BinlogPosition start, String startGtids) throws Exception {
        String prefix = "dbz" + stamp;
        String topic = prefix + "." + schema + ".t";
        createTopic(topic);
        Map<String, String> producer = new java.util.LinkedHashMap<>(RawBinlogToKafka.producerSettings(bootstrapServers));
        long backlog = rowsInTable(db, schema);
        try (DebeziumPeerProcess peer = DebeziumPeerProcess.start(debeziumHome, debeziumHeap, "bench-debezium-" + stamp, prefix, start, startGtids,
                debeziumSource(schema), producer, topic)) {
            Measurements.awaitTrue("the Debezium peer to start", Duration.ofMinutes(2), Duration.ofMillis(5), () -> {
                peer.checkAlive();
                return peer.startedAt() != 0;
            });
            peer.awaitAcked(rows, Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - peer.startedAt()) / 1e9;
            Measurements.progress("Debezium: %,.0f rows/s (%.1f s from the engine's start; log %s)", rows / seconds, seconds, peer.log());
            peer.awaitAcked(backlog, Duration.ofMinutes(10));
            List<Long> latencies = singleRowLatencies(db, schema, topic);
            peer.checkAlive();
            return new Pass("Debezium " + DEBEZIUM_VERSION + " embedded + Kafka producer (at least once)", seconds,
                    (peer.firstAckedAt() - peer.startedAt()) / 1e9, latencies, topic);
        }
    }

    private static Map<String, String> settings(List<String> keyValues) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (String keyValue : keyValues) {
            int eq = keyValue.indexOf('=');
            if (eq <= 0) {
                throw new JobFailedException("expected KEY=VALUE, not '" + keyValue + "'");
            }
            settings.put(keyValue.substring(0, eq), keyValue.substring(eq + 1));
        }
        return settings;
    }

    /** The change-event topics' shape: 3 partitions, RF 3, min ISR 2 (what ingestion-rdbms creates for its own). */
    private void createTopic(String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 3, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
        }
    }

    /** Mean serialized key + value size of up to the first 10,000 records of {@code topic}. */
    private double meanRecordBytes(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long bytes = 0;
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (count < 10_000 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        bytes += Math.max(0, record.serializedKeySize()) + record.serializedValueSize();
                        count++;
                    }
                }
            }
        }
        return count == 0 ? Double.NaN : (double) bytes / count;
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + databasePort + "/?user=root&allowPublicKeyRetrieval=true&useSSL=false");
    }

    /** MariaDB's GTID position (the last GTID of each domain) at the binlog's end. */
    private static String gtidPosition(Connection db) throws Exception {
        try (Statement sql = db.createStatement(); ResultSet result = sql.executeQuery("SELECT @@gtid_binlog_pos")) {
            result.next();
            return result.getString(1);
        }
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

    /**
     * Commit returned → the row's event read by a read_committed consumer, per row, in microseconds: {@link #singleRows}
     * inserts at {@link #singleRate}/s while the pass that writes {@code topic} runs and has caught up.
     */
    private List<Long> singleRowLatencies(Connection db, String schema, String topic) throws Exception {
        Measurements.progress("single-row transactions: %d at %d/s, read from %s ...", singleRows, singleRate, topic);
        Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.putAll(settings(latencyConsumerSettings));
        long lastIdBefore;
        try (Statement sql = db.createStatement(); ResultSet result = sql.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + schema + ".t")) {
            result.next();
            lastIdBefore = result.getLong(1);
        }
        Map<Long, Long> seenAt = new java.util.HashMap<>();
        AtomicReference<Exception> writerFailure = new AtomicReference<>();
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
                    long next = System.nanoTime();
                    for (int i = 0; i < singleRows; i++) {
                        sql.executeUpdate("INSERT INTO " + schema + ".t (a, b, c, d) VALUES (" + i + ", 'single', 1.00, NOW(3))",
                                Statement.RETURN_GENERATED_KEYS);
                        long now = System.nanoTime();
                        try (ResultSet keys = sql.getGeneratedKeys()) {
                            keys.next();
                            committedAt.put(keys.getLong(1), now);
                        }
                        next += 1_000_000_000L / singleRate;
                        Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                    }
                } catch (Exception e) {
                    writerFailure.set(e);
                }
            }, "bench-single-rows");
            writer.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (seenAt.size() < singleRows && System.nanoTime() < deadline && writerFailure.get() == null) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    if (record.value() != null) {
                        long id = JSON.readTree(record.value()).get("after").get("id").asLong();
                        if (id > lastIdBefore) {
                            seenAt.putIfAbsent(id, now);
                        }
                    }
                }
            }
            writer.join();
        }
        if (writerFailure.get() != null) {
            throw new JobFailedException("the single-row writer failed: " + writerFailure.get().getMessage());
        }
        if (seenAt.size() < singleRows) {
            throw new JobFailedException("only " + seenAt.size() + " of " + singleRows + " single-row inserts reached " + topic + " within 5 minutes");
        }
        List<Long> micros = new ArrayList<>();
        seenAt.forEach((id, seen) -> micros.add((seen - committedAt.get(id)) / 1_000));
        return micros;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
