package io.datalakelab.sink.commit;

import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.LakeLayout;
import io.datalakelab.sink.write.CommitManifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Reads the sink's position back from HDFS. Committed file names say exactly which offsets landed, so the
 * next offset of a partition is one past the highest end offset among its files. Kafka's committed offsets
 * are only a hint for lag tools; they can lag behind HDFS after a crash, never run ahead of it.
 */
public final class OffsetRecovery {

    private final FileSystem fs;
    private final LakeLayout layout;

    public OffsetRecovery(FileSystem fs, LakeLayout layout) {
        this.fs = fs;
        this.layout = layout;
    }

    /** Every committed file of {@code topic}, in no particular order. */
    public List<CommittedFileName> committedFiles(String topic) throws IOException {
        List<CommittedFileName> out = new ArrayList<>();
        for (FileStatus status : committedFileStatuses(topic)) {
            CommittedFileName.parse(status.getPath().getName()).ifPresent(out::add);
        }
        return out;
    }

    /** Committed files of {@code topic} with their HDFS status (path, length, modification time). */
    public List<FileStatus> committedFileStatuses(String topic) throws IOException {
        Path topicDir = layout.topicDir(topic);
        List<FileStatus> out = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> files;
        try {
            files = fs.listFiles(topicDir, true);
        } catch (FileNotFoundException e) {
            return out;
        }
        while (files.hasNext()) {
            LocatedFileStatus status = files.next();
            if (LakeLayout.isHidden(status.getPath(), topicDir)) {
                continue;
            }
            Optional<CommittedFileName> name = CommittedFileName.parse(status.getPath().getName());
            if (name.isPresent() && name.get().topic().equals(topic)) {
                out.add(status);
            }
        }
        return out;
    }

    /** The next offset to consume for each partition of {@code topic} that has committed files. */
    public Map<Integer, Long> recoverNextOffsets(String topic) throws IOException {
        Map<Integer, Long> next = new HashMap<>();
        for (CommittedFileName file : committedFiles(topic)) {
            next.merge(file.partition(), file.nextOffset(), Math::max);
        }
        return next;
    }

    /**
     * True once the committed files of {@code topic} reach the given offset of each partition (for example
     * the partitions' end offsets): everything written before those offsets has landed. Only lists names.
     */
    public boolean hasLandedUpTo(String topic, Map<Integer, Long> offsets) throws IOException {
        Map<Integer, Long> next = recoverNextOffsets(topic);
        return offsets.entrySet().stream().allMatch(e -> e.getValue() == 0 || next.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    /**
     * Finishes what a crashed writer left under the partition's temporary directory: a batch whose commit
     * manifest exists is rolled forward (its files renamed into place), then every remaining temporary file is
     * deleted, its records never committed; they will be consumed and written again from the recovered offset.
     * Call it before {@link #recoverNextOffsets}.
     *
     * @return how many orphaned temporary files were deleted
     */
    public int finishOrDiscardUnfinishedBatches(String topic, int partition) throws IOException {
        Path dir = layout.temporaryDir(topic, partition);
        FileStatus[] leftovers;
        try {
            leftovers = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return 0;
        }
        for (FileStatus leftover : leftovers) {
            if (leftover.getPath().getName().endsWith(CommitManifest.SUFFIX)) {
                CommitManifest.rollForward(fs, leftover.getPath());
            }
        }
        int deleted = 0;
        for (FileStatus orphan : fs.listStatus(dir)) {
            if (!fs.delete(orphan.getPath(), true) && fs.exists(orphan.getPath())) {
                throw new IOException("cannot delete orphaned temporary file " + orphan.getPath());
            }
            deleted++;
        }
        return deleted;
    }
}
