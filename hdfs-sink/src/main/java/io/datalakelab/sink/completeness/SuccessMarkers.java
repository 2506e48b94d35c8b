package io.datalakelab.sink.completeness;

import io.datalakelab.sink.layout.LakeLayout;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.FileAlreadyExistsException;

/**
 * Marks time partitions complete. A directory written to is remembered with the end of its time partition;
 * once the watermark (the oldest "latest time seen" among the sink's partitions that still have data
 * coming) has passed that end plus the allowed lateness, and no open batch still writes into it, an empty
 * {@code _SUCCESS} file is created there — what Hive, Spark and Oozie jobs wait for. Records that arrive later
 * still land in their own time partition (never dropped) and are counted as late.
 */
public final class SuccessMarkers {

    public static final String MARKER = "_SUCCESS";

    private final FileSystem fs;
    private final LakeLayout layout;
    private final long allowedLatenessMs;
    /** topic-relative directory (topic + "/" + dirs) → end of its time partition, epoch ms. */
    private final Map<String, Long> pending = new HashMap<>();
    private final Map<String, Long> marked = new HashMap<>();

    public SuccessMarkers(FileSystem fs, LakeLayout layout, long allowedLatenessMs) {
        this.fs = fs;
        this.layout = layout;
        this.allowedLatenessMs = allowedLatenessMs;
    }

    /** Remembers that {@code dirs} of {@code topic}, whose time partition ends at {@code partitionEnd}, got data. */
    public void written(String topic, String dirs, long partitionEnd) {
        pending.putIfAbsent(topic + "/" + dirs, partitionEnd);
    }

    /** True if the record's directory was already marked complete: the record is late. */
    public boolean isMarked(String topic, String dirs) {
        return marked.containsKey(topic + "/" + dirs);
    }

    /**
     * Creates the markers the watermark allows.
     *
     * @param openDirectories topic-relative directories that open batches still write into
     * @return how many markers were created
     */
    public int markComplete(long watermark, Set<String> openDirectories) throws IOException {
        int created = 0;
        for (Iterator<Map.Entry<String, Long>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> entry = it.next();
            if (entry.getValue() + allowedLatenessMs > watermark || openDirectories.contains(entry.getKey())) {
                continue;
            }
            Path marker = new Path(new Path(layout.root(), entry.getKey()), MARKER);
            try {
                fs.create(marker, false).close();
                created++;
            } catch (FileAlreadyExistsException e) {
                // another instance, or this one before a restart, marked it first
            }
            marked.put(entry.getKey(), entry.getValue());
            it.remove();
        }
        return created;
    }
}
