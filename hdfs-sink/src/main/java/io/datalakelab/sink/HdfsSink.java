package io.datalakelab.sink;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.sink.commit.OffsetRecovery;
import io.datalakelab.sink.completeness.SuccessMarkers;
import io.datalakelab.sink.dlq.DeadLetterQueue;
import io.datalakelab.sink.format.SinkValue;
import io.datalakelab.sink.format.ValueDecoder;
import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.EventTimePartitioner;
import io.datalakelab.sink.layout.RecordPartitioner;
import io.datalakelab.sink.layout.LakeLayout;
import io.datalakelab.sink.retention.LostRange;
import io.datalakelab.sink.retention.LostRangeReports;
import io.datalakelab.sink.retention.RetentionRisk;
import io.datalakelab.sink.retention.RetentionWatchdog;
import io.datalakelab.sink.write.PartitionBatch;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes topics and lands their records in HDFS as JSON-lines, Avro or Parquet files, exactly once.
 *
 * <p>How exactly-once holds without a write-ahead log: records go to a temporary file per Kafka partition;
 * a file is committed by one rename to a name carrying its offset range; on every partition assignment the
 * sink deletes the partition's temporary files and seeks to one past the highest committed end offset.
 * Whatever was not renamed is read again; whatever was renamed is never read again. Kafka's committed
 * offsets are written after each rename for lag tools only.
 */
public final class HdfsSink implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HdfsSink.class);

    private final SinkConfig config;
    private final FileSystem fs;
    private final LakeLayout layout;
    private final OffsetRecovery recovery;
    private final LostRangeReports lostReports;
    private final RecordPartitioner partitioner;
    private final ValueDecoder decoder;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DeadLetterQueue deadLetters;
    private final Map<TopicPartition, PartitionBatch> writers = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> landedOffsets = new HashMap<>();
    private final SinkMetrics metrics;
    private final AtomicLong lastPollMs = new AtomicLong();
    private final Set<TopicPartition> owned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Per partition, the first offset not yet in a committed file. */
    private final Map<TopicPartition, Long> landedNext = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<TopicPartition, RetentionRisk> retentionRisks = new java.util.concurrent.ConcurrentHashMap<>();
    private final RetentionWatchdog watchdog;
    private final SuccessMarkers markers;
    /** Per partition, the latest partitioning time seen: the partition's contribution to the watermark. */
    private final Map<TopicPartition, Long> latestPlacedAt = new HashMap<>();
    private long nextRetentionCheckMs;
    private final HdfsOutage outage = new HdfsOutage(Duration.ofMillis(500), Duration.ofSeconds(30));
    /**
     * How often a thread of its own asks the NameNode for the root's status. Writes and commits notice a dead
     * NameNode by themselves, but only when one is due, and an RPC in flight when the NameNode dies can hold
     * the consuming thread until the connection drops; /health must say DOWN meanwhile, so it does not wait
     * for the consuming thread.
     */
    static final Duration HDFS_CHECK_INTERVAL = Duration.ofSeconds(3);
    private final java.util.concurrent.ScheduledExecutorService nameNodeProbe = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            runnable -> {
                Thread thread = new Thread(runnable, "hdfs-sink-namenode-probe");
                thread.setDaemon(true);
                return thread;
            });
    private volatile String nameNodeProblem;
    private volatile long probeSentMs;
    private volatile boolean running = true;

    public HdfsSink(SinkConfig config, MeterRegistry registry) throws IOException {
        this.config = config;
        org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
        hadoop.set("fs.defaultFS", config.hdfsUri());
        hadoop.setInt("dfs.replication", config.hdfsReplication());
        // Fail fast when the NameNode is down: the sink retries with its own backoff and reports it.
        hadoop.setInt("ipc.client.connect.max.retries", 2);
        hadoop.setInt("ipc.client.connect.retry.interval", 500);
        hadoop.setInt("ipc.client.connect.timeout", 5000);
        // Closing a file asks the NameNode to complete it; when the DataNodes have not reported the last block
        // yet, the client sleeps 400 ms before asking again. A batch closes two files or more, so that sleep
        // dominated the commit; ask again sooner (with as many doublings, the total patience stays ~20 s).
        hadoop.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 25);
        hadoop.setInt("dfs.client.block.write.locateFollowingBlock.retries", 10);
        config.hadoopOverrides().forEach(hadoop::set);
        this.fs = FileSystem.newInstance(java.net.URI.create(config.hdfsUri()), hadoop);
        this.layout = new LakeLayout(new Path(config.hdfsRoot()));
        this.recovery = new OffsetRecovery(fs, layout);
        this.lostReports = new LostRangeReports(fs, layout);
        this.watchdog = new RetentionWatchdog(config.bootstrapServers());
        this.markers = new SuccessMarkers(fs, layout, config.allowedLateness().toMillis());
        this.partitioner = new RecordPartitioner(config.partitionTimeSource(), config.eventTimeField(), config.partitionFields(),
                new EventTimePartitioner(config.timeZone(), config.partitionGranularity()));
        // JSON lines written as consumed need only the partitioner's fields; Avro and Parquet need whole values.
        this.decoder = new ValueDecoder(config.valueFormat(), config.valueSchema(),
                config.fileFormat().format().needsSchema() ? null : partitioner.fieldsRead());
        this.consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.deadLetters = new DeadLetterQueue(config.bootstrapServers(), config.producerOverrides());
        this.metrics = new SinkMetrics(registry);
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Never let the consumer jump silently over expired offsets: it must throw, so the sink can report
        // the exact range (every position is set explicitly from the committed file names anyway).
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // Larger fetches keep records buffered while the loop is busy writing or committing to HDFS.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "hdfs-sink");
        // A sink must never create the topics it reads: they would get the broker's default partitions.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.putAll(config.consumerOverrides());
        return p;
    }

    /**
     * Consumes until {@link #stop()}; then commits every open file, so a clean stop lands everything it read.
     * While HDFS fails, consumption is paused (the instance stays in its group), retried with backoff, and
     * resumed from the committed file names once HDFS answers again.
     */
    @Override
    public void run() {
        long every = HDFS_CHECK_INTERVAL.toMillis();
        nameNodeProbe.scheduleWithFixedDelay(this::probeNameNode, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (config.topicsRegex().isPresent()) {
            consumer.subscribe(config.topicsRegex().get(), new Rebalance());
        } else {
            consumer.subscribe(config.topics(), new Rebalance());
        }
        try {
            while (running) {
                checkRetentionWhenDue();
                if (outage.isActive()) {
                    consumer.poll(outage.backoff());
                    lastPollMs.set(System.currentTimeMillis());
                    tryToEndOutage();
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (OffsetOutOfRangeException e) {
                    try {
                        reportExpiredOffsets(e.offsetOutOfRangePartitions());
                    } catch (IOException | UncheckedIOException failure) {
                        beginOutage(failure);
                    }
                    continue;
                }
                lastPollMs.set(System.currentTimeMillis());
                try {
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        handle(record);
                    }
                    commitDueFiles(System.currentTimeMillis());
                } catch (UncheckedIOException e) {
                    beginOutage(e);
                }
            }
            commitOnStop();
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
            commitOnStop();
        } finally {
            consumer.close();
        }
    }

    /**
     * Retention deleted offsets before the sink landed them. Commits what the partition's open file holds (so
     * no file's range spans the hole), reports the exact range in HDFS, a metric and the log, and goes on from
     * the partition's new start instead of stalling.
     */
    private void reportExpiredOffsets(Map<TopicPartition, Long> positions) throws IOException {
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(positions.keySet());
        Map<TopicPartition, Long> ends = consumer.endOffsets(positions.keySet());
        for (Map.Entry<TopicPartition, Long> entry : positions.entrySet()) {
            TopicPartition tp = entry.getKey();
            long position = entry.getValue();
            long start = starts.get(tp);
            if (position > ends.get(tp)) {
                throw new IllegalStateException("HDFS holds " + tp + " up to offset " + (position - 1) + " but the partition now ends at "
                        + ends.get(tp) + ": the topic was deleted and created again; move " + layout.topicDir(tp.topic())
                        + " aside (or purge it) before landing the new topic");
            }
            if (position >= start) {
                consumer.seek(tp, position); // retention moved on meanwhile; nothing missing at this position
                continue;
            }
            PartitionBatch writer = writers.get(tp);
            if (writer != null && writer.isOpen()) {
                commit(tp, writer);
            }
            LostRange lost = new LostRange(tp.topic(), tp.partition(), position, start - 1);
            Path report = lostReports.write(lost, "deleted by the topic's retention before the sink landed it");
            metrics.lost(tp.topic(), lost.count());
            LOG.error("DATA LOST: {} expired in Kafka before it was landed; reported in {}; continuing at offset {}", lost, report, start);
            consumer.seek(tp, start);
            landedNext.put(tp, start);
        }
        if (!landedOffsets.isEmpty()) {
            consumer.commitSync(Map.copyOf(landedOffsets));
            landedOffsets.clear();
        }
    }

    private void commitOnStop() {
        if (outage.isActive()) {
            LOG.warn("stopping while HDFS is unavailable ({}); records after the committed files will be read again", outage.cause());
            return;
        }
        try {
            commitFiles(new ArrayList<>(writers.keySet()));
        } catch (UncheckedIOException e) {
            LOG.warn("could not commit the open files on stop; their records will be read again: {}", e.getMessage());
        }
    }

    /**
     * HDFS failed a write, a commit or a recovery. Nothing after the committed files counts as landed: the
     * open files are dropped and every assigned partition is paused until HDFS answers again.
     */
    private void beginOutage(Exception cause) {
        boolean first = !outage.isActive();
        outage.begin(cause);
        metrics.hdfsAvailable(false);
        for (PartitionBatch writer : writers.values()) {
            writer.abandon();
        }
        writers.clear();
        consumer.pause(consumer.assignment());
        if (first) {
            LOG.error("HDFS unavailable: {}; pausing consumption and retrying with backoff (nothing is committed past what is in HDFS)",
                    outage.cause());
        }
    }

    private void probeNameNode() {
        probeSentMs = System.currentTimeMillis();
        try {
            fs.getFileStatus(new Path("/"));
            probeSentMs = 0;
            nameNodeProblem = null;
            if (!outage.isActive()) {
                metrics.hdfsAvailable(true);
            }
        } catch (IOException | RuntimeException e) {
            probeSentMs = 0;
            nameNodeProblem = "the NameNode did not answer a status request: " + e;
            metrics.hdfsAvailable(false);
        }
    }

    private void tryToEndOutage() {
        try {
            fs.getFileStatus(new Path("/"));
            if (fs instanceof org.apache.hadoop.hdfs.DistributedFileSystem dfs && dfs.isInSafeMode()) {
                throw new IOException("the NameNode is in safe mode");
            }
            probeWrites(consumer.assignment());
            recoverPositions(consumer.assignment());
        } catch (IOException | RuntimeException e) {
            outage.begin(e);
            LOG.debug("HDFS still unavailable, next try in {}: {}", outage.backoff(), e.getMessage());
            return;
        }
        LOG.info("HDFS is back after {}; resuming from the committed file names", outage.duration());
        outage.end();
        metrics.hdfsAvailable(true);
        consumer.resume(consumer.assignment());
    }

    /**
     * A NameNode that answers is not enough: a lost DataNode or an exceeded quota fails only when data is
     * written. So a small file is written, made durable and deleted in each topic's temporary directory.
     */
    private void probeWrites(Collection<TopicPartition> partitions) throws IOException {
        Set<String> topics = new HashSet<>();
        partitions.forEach(tp -> topics.add(tp.topic()));
        for (String topic : topics) {
            Path probe = new Path(new Path(layout.topicDir(topic), LakeLayout.TEMPORARY_DIR), "probe-" + java.util.UUID.randomUUID());
            try {
                io.datalakelab.sink.write.SyncedFiles.write(fs, probe, new byte[] {'p'}, true);
            } finally {
                fs.delete(probe, false);
            }
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        partitions.forEach(tp -> {
            landedNext.remove(tp);
            retentionRisks.remove(tp);
        });
    }

    /**
     * Compares, per owned partition, the age of the oldest record not yet landed with the topic's retention;
     * logs when a partition crosses the warning or critical share, and publishes the ratio as a metric. A
     * failure to measure is logged and retried at the next check: it must not stop the landing itself.
     */
    private void checkRetentionWhenDue() {
        long now = System.currentTimeMillis();
        if (now < nextRetentionCheckMs) {
            return;
        }
        nextRetentionCheckMs = now + config.retentionCheckInterval().toMillis();
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(Set.copyOf(owned));
            for (TopicPartition tp : owned) {
                Long oldest = landedNext.get(tp);
                if (oldest == null || !ends.containsKey(tp)) {
                    continue;
                }
                PartitionBatch writer = writers.get(tp);
                Long known = writer != null && writer.isOpen() && writer.records() > 0 ? writer.firstRecordTimestamp() : null;
                RetentionRisk risk = watchdog.assess(tp, oldest, known, ends.get(tp), now);
                RetentionRisk previous = retentionRisks.put(tp, risk);
                metrics.retentionRisk(tp, risk.ratio());
                reportCrossing(previous == null ? 0.0 : previous.ratio(), risk);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("cannot measure retention risk this time: {}", e.getMessage());
        }
    }

    private void reportCrossing(double before, RetentionRisk risk) {
        double now = risk.ratio();
        if (now >= config.retentionCriticalRatio() && before < config.retentionCriticalRatio()) {
            LOG.error("RETENTION CRITICAL {}", risk.describe());
        } else if (now >= config.retentionWarnRatio() && before < config.retentionWarnRatio()) {
            LOG.warn("retention warning {}", risk.describe());
        } else if (now < config.retentionWarnRatio() && before >= config.retentionWarnRatio()) {
            LOG.info("retention risk cleared {}", risk.describe());
        }
    }

    /** The last measured retention risk of every owned partition. */
    public Map<TopicPartition, RetentionRisk> retentionRisks() {
        return Map.copyOf(retentionRisks);
    }

    /** The partitions this instance owns now (as of the last rebalance). */
    public Set<TopicPartition> ownedPartitions() {
        return Set.copyOf(owned);
    }

    /** Why the sink cannot write to HDFS right now, if it cannot. */
    public Optional<String> hdfsProblem() {
        if (outage.isActive()) {
            return Optional.of(outage.cause());
        }
        long waited = probeSentMs == 0 ? 0 : System.currentTimeMillis() - probeSentMs;
        if (waited > HDFS_CHECK_INTERVAL.toMillis()) {
            return Optional.of("the NameNode has not answered a status request for " + waited + " ms");
        }
        return Optional.ofNullable(nameNodeProblem);
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        PartitionBatch writer = writers.computeIfAbsent(tp,
                k -> new PartitionBatch(fs, layout, k.topic(), k.partition(), config.fileFormat()));
        if (record.value() == null && record.key() != null) {
            // A tombstone (after a change-capture delete) only tells compaction to forget a key; the delete
            // event before it is what lands. Counted, and covered by the batch's range like a dead letter.
            metrics.tombstone(record.topic());
            if (writer.isOpen()) {
                writer.skip(record.offset());
            }
            return;
        }
        long placedAt;
        String dirs;
        Object prepared;
        try {
            SinkValue value = decoder.decode(record.value());
            placedAt = partitioner.timeOf(value, record.timestamp(), System.currentTimeMillis());
            dirs = partitioner.directoriesOf(value, placedAt);
            prepared = config.fileFormat().prepare(value);
        } catch (InvalidRecordException | RecordPartitioner.UnplaceableRecordException e) {
            deadLetters.send(record, e.getMessage());
            metrics.deadLettered(record.topic());
            if (writer.isOpen()) {
                writer.skip(record.offset());
            }
            LOG.warn("{}-{}@{} sent to {}.dlq: {}", record.topic(), record.partition(), record.offset(), record.topic(), e.getMessage());
            return;
        }
        try {
            if (writer.isOpen() && writer.spanWith(placedAt) >= config.rotateSpan().toMillis()) {
                commit(tp, writer);
            }
            int size = record.serializedValueSize();
            Long firstUncovered = landedNext.get(tp);
            if (firstUncovered != null && firstUncovered < record.offset()) {
                writer.openAt(firstUncovered, System.currentTimeMillis());
            }
            writer.append(dirs, prepared, size, record.offset(), record.timestamp(), placedAt, System.currentTimeMillis());
            latestPlacedAt.merge(tp, placedAt, Math::max);
            if (config.successMarkers()) {
                if (markers.isMarked(tp.topic(), dirs)) {
                    metrics.late(tp.topic());
                    LOG.debug("{}-{}@{} is late: {} was already marked complete", tp.topic(), tp.partition(), record.offset(), dirs);
                }
                markers.written(tp.topic(), dirs, partitioner.time().endOf(placedAt));
            }
            metrics.written(record.topic(), size);
            if (writer.records() >= config.flushRecords() || writer.bytes() >= config.flushBytes()) {
                commit(tp, writer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + record.topic() + "-" + record.partition() + "@" + record.offset() + " to HDFS", e);
        }
    }

    private void commitDueFiles(long nowMs) {
        List<TopicPartition> due = new ArrayList<>();
        writers.forEach((tp, writer) -> {
            if (writer.isOpen() && nowMs - writer.openedAtMs() >= config.rotateInterval().toMillis()) {
                due.add(tp);
            }
        });
        commitFiles(due);
    }

    /**
     * Commits the open files of {@code partitions}. Called only once every record fetched so far has been
     * handled, so each batch's range is first stretched to just before the consumer's position: offsets there
     * held transaction markers or aborted records, which the consumer never returns and nothing needs to land.
     */
    private void commitFiles(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            PartitionBatch writer = writers.get(tp);
            if (writer != null && writer.isOpen()) {
                writer.skip(consumer.position(tp) - 1);
                try {
                    commit(tp, writer);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot commit the open file of " + tp + " to HDFS", e);
                }
            }
        }
        markCompletePartitions();
        if (!landedOffsets.isEmpty()) {
            // Only a hint for lag tools: the committed file names are what a restart trusts.
            consumer.commitSync(Map.copyOf(landedOffsets));
            landedOffsets.clear();
        }
    }

    private void commit(TopicPartition tp, PartitionBatch writer) throws IOException {
        long records = writer.records();
        long started = System.nanoTime();
        Optional<CommittedFileName> name = writer.commit();
        metrics.commitTook(tp.topic(), System.nanoTime() - started);
        if (name.isEmpty()) {
            return; // only dead-lettered records: nothing to land, they are read (and dead-lettered) again after a crash
        }
        landedOffsets.put(tp, new OffsetAndMetadata(name.get().nextOffset()));
        landedNext.put(tp, name.get().nextOffset());
        metrics.committed(tp.topic(), records);
        LOG.debug("committed {} ({} records)", name.get(), records);
    }

    /**
     * The watermark is the oldest "latest time seen" among the owned partitions that still have records to
     * read; a partition that has caught up does not hold it back. Time partitions it has passed (plus the
     * allowed lateness) whose files are all committed get their {@code _SUCCESS} marker.
     */
    private void markCompletePartitions() {
        if (!config.successMarkers() || latestPlacedAt.isEmpty()) {
            return;
        }
        long watermark = Long.MAX_VALUE;
        for (Map.Entry<TopicPartition, Long> entry : latestPlacedAt.entrySet()) {
            java.util.OptionalLong lag = consumer.currentLag(entry.getKey());
            boolean caughtUp = lag.isPresent() && lag.getAsLong() == 0;
            if (!caughtUp) {
                watermark = Math.min(watermark, entry.getValue());
            }
        }
        if (watermark == Long.MAX_VALUE) {
            watermark = latestPlacedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        }
        Set<String> open = new HashSet<>();
        writers.forEach((tp, batch) -> batch.directories().forEach(d -> open.add(tp.topic() + "/" + d)));
        try {
            int created = markers.markComplete(watermark, open);
            if (created > 0) {
                metrics.marked(created);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write _SUCCESS markers", e);
        }
    }

    /** Asks {@link #run()} to finish: it commits open files and returns. Safe from any thread. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    public long lastPollEpochMs() {
        return lastPollMs.get();
    }

    public FileSystem fileSystem() {
        return fs;
    }

    @Override
    public void close() throws IOException {
        nameNodeProbe.shutdownNow();
        watchdog.close();
        deadLetters.close();
        fs.close();
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Land what we hold before the new owner recovers its position from HDFS.
            try {
                commitFiles(partitions);
            } catch (UncheckedIOException e) {
                beginOutage(e);
            }
            partitions.forEach(writers::remove);
            forget(partitions);
            partitions.forEach(latestPlacedAt::remove);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Another instance may own them already: abandon the open files, the owner re-reads them.
            forget(partitions);
            partitions.forEach(latestPlacedAt::remove);
            for (TopicPartition tp : partitions) {
                PartitionBatch writer = writers.remove(tp);
                if (writer != null) {
                    try {
                        writer.abort();
                    } catch (IOException e) {
                        LOG.warn("cannot delete the abandoned file of {}; the next owner removes it: {}", tp, e.getMessage());
                    }
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            owned.addAll(partitions);
            metrics.assigned(partitions);
            if (outage.isActive()) {
                // Positions are recovered from HDFS when it is back.
                consumer.pause(partitions);
                return;
            }
            try {
                recoverPositions(partitions);
            } catch (IOException e) {
                beginOutage(e);
            }
        }
    }

    /**
     * Seeks each partition to one past the highest end offset of its committed files (or to its beginning
     * when it has none), after deleting the temporary files a crashed writer left.
     */
    private void recoverPositions(Collection<TopicPartition> partitions) throws IOException {
        Set<String> topics = new HashSet<>();
        partitions.forEach(tp -> topics.add(tp.topic()));
        for (String topic : topics) {
            Map<TopicPartition, Integer> orphansByPartition = new HashMap<>();
            for (TopicPartition tp : partitions) {
                if (tp.topic().equals(topic)) {
                    orphansByPartition.put(tp, recovery.finishOrDiscardUnfinishedBatches(topic, tp.partition()));
                }
            }
            Map<Integer, Long> next = recovery.recoverNextOffsets(topic);
            List<TopicPartition> fromStart = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (!tp.topic().equals(topic)) {
                    continue;
                }
                int orphans = orphansByPartition.get(tp);
                Long offset = next.get(tp.partition());
                if (offset == null) {
                    fromStart.add(tp);
                } else {
                    consumer.seek(tp, offset);
                    landedNext.put(tp, offset);
                }
                LOG.info("{}: resuming at {} from committed file names; {} orphaned temporary files deleted",
                        tp, offset == null ? "the beginning" : offset, orphans);
            }
            if (!fromStart.isEmpty()) {
                // Never with an empty list: the consumer reads that as "every assigned partition".
                consumer.seekToBeginning(fromStart);
                landedNext.putAll(consumer.beginningOffsets(fromStart));
            }
        }
    }
}
