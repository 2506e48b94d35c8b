package io.datalakelab.sink.write;

import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.LakeLayout;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one open file of one Kafka partition. Records are appended to a temporary file; {@link #commit} makes
 * the data durable ({@code hsync}), closes it and renames it to its committed name in a single NameNode
 * operation, so a reader sees the whole file or nothing.
 *
 * <p>A partition never has two open files: when a record belongs to another time partition than the open
 * file, the open file is committed first. So the committed files of a Kafka partition cover disjoint,
 * increasing offset ranges, and "one past the highest end offset" is an exact resume point.
 */
public final class PartitionFileWriter {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PartitionFileWriter.class);

    private final FileSystem fs;
    private final LakeLayout layout;
    private final String topic;
    private final int partition;
    private final String extension;

    private FSDataOutputStream out;
    private Path temporaryFile;
    private String partitionDirs;
    private long startOffset = -1;
    private long endOffset = -1;
    private long records;
    private long bytes;
    private long openedAtMs;
    private long firstRecordTimestamp;

    public PartitionFileWriter(FileSystem fs, LakeLayout layout, String topic, int partition, String extension) {
        this.fs = fs;
        this.layout = layout;
        this.topic = topic;
        this.partition = partition;
        this.extension = extension;
    }

    public boolean isOpen() {
        return out != null;
    }

    /** The time-partition directories of the open file, or {@code null}. */
    public String partitionDirs() {
        return partitionDirs;
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

    /** Kafka timestamp of the first record in the open file: the oldest record this partition has not landed. */
    public long firstRecordTimestamp() {
        return firstRecordTimestamp;
    }

    /** Opens a new temporary file whose first offset will be {@code offset}. */
    public void open(String partitionDirs, long offset, long nowMs) throws IOException {
        if (isOpen()) {
            throw new IllegalStateException(topic + "-" + partition + " already has an open file " + temporaryFile);
        }
        this.temporaryFile = new Path(layout.temporaryDir(topic, partition), offset + "." + UUID.randomUUID() + "." + extension + ".tmp");
        this.out = fs.create(temporaryFile, false);
        this.partitionDirs = partitionDirs;
        this.startOffset = offset;
        this.endOffset = offset;
        this.records = 0;
        this.bytes = 0;
        this.openedAtMs = nowMs;
    }

    /** Appends one line holding the record at {@code offset}, whose Kafka timestamp is {@code timestamp}. */
    public void append(byte[] line, long offset, long timestamp) throws IOException {
        if (records == 0) {
            firstRecordTimestamp = timestamp;
        }
        out.write(line);
        out.write('\n');
        endOffset = offset;
        records++;
        bytes += line.length + 1;
    }

    /**
     * Covers {@code offset} without writing anything: the record went to the dead-letter queue. The file's
     * range still includes it, so a restart does not read it again.
     */
    public void skip(long offset) {
        endOffset = offset;
    }

    /**
     * Makes the open file durable and visible under its committed name.
     *
     * @return the committed name, whose {@link CommittedFileName#nextOffset()} is where consumption continues
     */
    public CommittedFileName commit() throws IOException {
        CommittedFileName name = new CommittedFileName(topic, partition, startOffset, endOffset, extension);
        Path target = layout.committedFile(partitionDirs, name);
        out.hsync();
        out.close();
        out = null;
        fs.mkdirs(target.getParent());
        if (!fs.rename(temporaryFile, target)) {
            throw new IOException("cannot commit " + temporaryFile + " as " + target
                    + (fs.exists(target) ? ": the target exists (another writer committed the same offsets)" : ""));
        }
        temporaryFile = null;
        partitionDirs = null;
        return name;
    }

    /**
     * Forgets the open file without touching HDFS, which is failing: its records were never committed and will
     * be read again; the temporary file is deleted as an orphan when the partition's position is recovered.
     */
    public void abandon() {
        FSDataOutputStream stream = out;
        Path file = temporaryFile;
        if (stream != null) {
            // Closing talks to HDFS, which is failing: do it aside so the sink's loop is not held up. The
            // outcome does not matter, the file is an orphan either way; closing releases its lease and thread.
            Thread closer = new Thread(() -> {
                try {
                    stream.close();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("abandoned file {} did not close: {}", file, e.getMessage());
                }
            }, "abandon-" + topic + "-" + partition);
            closer.setDaemon(true);
            closer.start();
        }
        out = null;
        temporaryFile = null;
        partitionDirs = null;
    }

    /** Closes and deletes the open file, e.g. when the partition is taken away mid-file by an error. */
    public void abort() throws IOException {
        if (out != null) {
            try {
                out.close();
            } finally {
                out = null;
                fs.delete(temporaryFile, false);
                temporaryFile = null;
                partitionDirs = null;
            }
        }
    }
}
