package io.datalakelab.sink.write;

import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.LakeLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import io.datalakelab.sink.format.FileFormat;
import io.datalakelab.sink.format.RecordFileWriter;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The records of one Kafka partition since its last commit: one temporary file per target directory
 * (time partition, plus field partitions), all covering the batch's offset range {@code [start, end]}.
 *
 * <p>{@link #commit} makes every file durable, writes a <em>commit manifest</em> listing each temporary file
 * and its target, renames the files, and deletes the manifest. Every file of the batch is named
 * {@code <topic>+<partition>+<start>+<end>.<ext>} in its own directory. A crash before the manifest exists
 * leaves only temporary files, which recovery deletes; a crash after it leaves a manifest, which recovery
 * rolls forward ({@link io.datalakelab.sink.commit.CommitManifests}). So a batch lands whole or not at all,
 * batches of a partition cover disjoint increasing ranges, and "one past the highest end offset" is an
 * exact resume point.
 */
public final class PartitionBatch {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PartitionBatch.class);

    private final FileSystem fs;
    private final LakeLayout layout;
    private final String topic;
    private final int partition;
    private final FileFormat format;
    private final org.apache.hadoop.conf.Configuration hadoop;

    private final Map<String, OpenFile> files = new LinkedHashMap<>();
    private long startOffset = -1;
    private long endOffset = -1;
    private long records;
    private long bytes;
    private long openedAtMs;
    private long firstRecordTimestamp;
    private long minPlacedAt;
    private long maxPlacedAt;

    private record OpenFile(Path temporary, RecordFileWriter out) {
    }

    public PartitionBatch(FileSystem fs, LakeLayout layout, String topic, int partition, FileFormat format) {
        this.fs = fs;
        this.layout = layout;
        this.topic = topic;
        this.partition = partition;
        this.format = format;
        this.hadoop = fs.getConf();
    }

    /** True once the batch holds a record (or a skipped offset after one). */
    public boolean isOpen() {
        return startOffset >= 0;
    }

    /** The directories this batch has files in, relative to the topic's directory. */
    public java.util.Set<String> directories() {
        return java.util.Set.copyOf(files.keySet());
    }

    public long records() {
        return records;
    }

    public long bytes() {
        return bytes;
    }

    public long openedAtMs() {
        return openedAtMs;
    }

    /** Kafka timestamp of the batch's first record: the oldest record this partition has not landed. */
    public long firstRecordTimestamp() {
        return firstRecordTimestamp;
    }

    /** How far apart the partitioning times of the batch's records would be with one more placed at {@code placedAt}. */
    public long spanWith(long placedAt) {
        return records == 0 ? 0 : Math.max(maxPlacedAt, placedAt) - Math.min(minPlacedAt, placedAt);
    }

    /**
     * Appends the record at {@code offset}, prepared by {@link FileFormat#prepare} and {@code size} bytes as
     * consumed, placed at time {@code placedAt}, to the file of {@code partitionDirs}.
     */
    public void append(String partitionDirs, Object prepared, int size, long offset, long timestamp, long placedAt, long nowMs) throws IOException {
        if (!isOpen()) {
            startOffset = offset;
            openedAtMs = nowMs;
        }
        if (records == 0) {
            firstRecordTimestamp = timestamp;
            minPlacedAt = placedAt;
            maxPlacedAt = placedAt;
        }
        OpenFile file = files.get(partitionDirs);
        if (file == null) {
            Path temporary = new Path(layout.temporaryDir(topic, partition), startOffset + "." + UUID.randomUUID() + "." + format.extension() + ".tmp");
            file = new OpenFile(temporary, format.open(fs.create(temporary, false), hadoop));
            files.put(partitionDirs, file);
        }
        file.out().write(prepared);
        endOffset = offset;
        records++;
        bytes += size;
        minPlacedAt = Math.min(minPlacedAt, placedAt);
        maxPlacedAt = Math.max(maxPlacedAt, placedAt);
    }

    /**
     * Opens the batch at {@code offset}, the first offset no committed file covers, before its first record
     * (which may come later: offsets in between held transaction markers or aborted records, never returned by
     * the consumer). So consecutive batches of a partition leave no gap in their ranges.
     */
    public void openAt(long offset, long nowMs) {
        if (!isOpen()) {
            startOffset = offset;
            openedAtMs = nowMs;
        }
    }

    /**
     * Covers {@code offset} without writing anything: the record went to the dead-letter queue. The batch's
     * range still includes it, so a restart does not read it again.
     */
    public void skip(long offset) {
        if (isOpen()) {
            endOffset = Math.max(endOffset, offset);
        }
    }

    /**
     * Lands the batch: every file durable, the manifest written, every file renamed to its committed name.
     *
     * @return the batch's name, whose {@link CommittedFileName#nextOffset()} is where consumption continues;
     *         empty if the batch held only skipped offsets and no file (nothing to land)
     */
    public java.util.Optional<CommittedFileName> commit() throws IOException {
        CommittedFileName name = new CommittedFileName(topic, partition, startOffset, endOffset, format.extension());
        if (files.isEmpty()) {
            reset();
            return java.util.Optional.empty();
        }
        StringBuilder manifest = new StringBuilder();
        for (Map.Entry<String, OpenFile> entry : files.entrySet()) {
            entry.getValue().out().finish();
            manifest.append(entry.getValue().temporary()).append('\t').append(layout.committedFile(entry.getKey(), name)).append('\n');
        }
        Path manifestFile = new Path(layout.temporaryDir(topic, partition), name.format() + CommitManifest.SUFFIX);
        SyncedFiles.write(fs, manifestFile, manifest.toString().getBytes(StandardCharsets.UTF_8), true);
        CommitManifest.rollForward(fs, manifestFile);
        reset();
        return java.util.Optional.of(name);
    }

    private void reset() {
        files.clear();
        startOffset = -1;
        endOffset = -1;
        records = 0;
        bytes = 0;
    }

    /**
     * Forgets the batch without waiting on HDFS, which is failing: its records were never committed and will
     * be read again; its temporary files are deleted as orphans when the partition's position is recovered.
     */
    public void abandon() {
        for (OpenFile file : files.values()) {
            // Closing talks to HDFS: do it aside so the sink's loop is not held up. The outcome does not
            // matter, the file is an orphan either way; closing releases its lease and thread.
            Thread closer = new Thread(() -> {
                try {
                    file.out().discard();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("abandoned file {} did not close: {}", file.temporary(), e.getMessage());
                }
            }, "abandon-" + topic + "-" + partition);
            closer.setDaemon(true);
            closer.start();
        }
        reset();
    }

    /** Closes and deletes the batch's files, e.g. when the partition is taken away mid-batch. */
    public void abort() throws IOException {
        try {
            for (OpenFile file : files.values()) {
                file.out().discard();
                fs.delete(file.temporary(), false);
            }
        } finally {
            reset();
        }
    }
}
