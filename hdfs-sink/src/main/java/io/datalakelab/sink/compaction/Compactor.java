package io.datalakelab.sink.compaction;

import io.datalakelab.sink.commit.OffsetRecovery;
import io.datalakelab.sink.completeness.SuccessMarkers;
import io.datalakelab.sink.format.RecordFiles;
import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.LakeLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the small files of a landed topic's partition directories into files of about a target size,
 * without breaking the sink's offset bookkeeping.
 *
 * <p>Within one directory, the files of one Kafka partition (and one format) are merged in offset order into
 * {@code <topic>+<partition>+<first start>+<last end>.<ext>}. The highest end offset of every Kafka partition
 * is unchanged, so the sink's resume point is too; the merged range may span offsets that landed in other
 * directories, which is why the landing audit checks overlaps per directory. A merge is atomic for the lake's
 * bookkeeping: the merged file is completed under {@code _compaction/}, a manifest is written, then the file
 * is renamed into place and the sources deleted ({@link CompactionManifest}). Between that rename and the
 * deletes (milliseconds; or until the next run after a crash) a query can see both; run compaction on
 * closed partitions ({@code _SUCCESS}, the default) and not while the same partition is being queried.
 */
public final class Compactor {

    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
    static final String COMPACTION_DIR = "_compaction";
    private static final String LOCK = "_LOCK";

    private final FileSystem fs;
    private final LakeLayout layout;
    private final long targetBytes;
    private final FileMerger merger;

    /** What a run did. */
    public record Result(String topic, int directories, int merges, int filesBefore, int filesAfter, long recordsMerged,
                         long bytesBefore, long bytesAfter, int pendingFinished) {
    }

    public Compactor(FileSystem fs, LakeLayout layout, long targetBytes, long parquetRowGroupBytes) {
        this.fs = fs;
        this.layout = layout;
        this.targetBytes = targetBytes;
        this.merger = new FileMerger(fs, parquetRowGroupBytes);
    }

    /**
     * Compacts {@code topic}'s directories that {@code selected} accepts (relative to the topic's directory,
     * e.g. {@code dt=2026-11-23/hr=09}); with {@code onlyComplete}, only those marked {@code _SUCCESS}.
     */
    public Result compact(String topic, Predicate<String> selected, boolean onlyComplete) throws IOException {
        Path workDir = new Path(layout.topicDir(topic), COMPACTION_DIR);
        fs.mkdirs(workDir);
        Path lock = new Path(workDir, LOCK);
        try {
            fs.create(lock, false).close();
        } catch (FileAlreadyExistsException e) {
            throw new io.datalakelab.core.cli.JobFailedException("another compaction of " + topic + " holds " + lock + " (since "
                    + java.time.Instant.ofEpochMilli(fs.getFileStatus(lock).getModificationTime())
                    + "); if none is running, delete that file and run again");
        }
        try {
            int pending = finishPending(workDir);
            return compactDirectories(topic, workDir, selected, onlyComplete, pending);
        } finally {
            fs.delete(lock, false);
        }
    }

    /** Rolls forward the merges a crash interrupted after their manifest; deletes merged files that never got one. */
    private int finishPending(Path workDir) throws IOException {
        int finished = 0;
        for (FileStatus status : fs.listStatus(workDir)) {
            if (status.getPath().getName().endsWith(CompactionManifest.SUFFIX)) {
                CompactionManifest.read(fs, status.getPath()).rollForward(fs, status.getPath());
                finished++;
            }
        }
        for (FileStatus status : fs.listStatus(workDir)) {
            if (!status.getPath().getName().equals(LOCK)) {
                fs.delete(status.getPath(), false);
            }
        }
        if (finished > 0) {
            LOG.info("finished {} merges that an earlier run left half done", finished);
        }
        return finished;
    }

    private Result compactDirectories(String topic, Path workDir, Predicate<String> selected, boolean onlyComplete, int pending)
            throws IOException {
        String topicPath = layout.topicDir(topic).toUri().getPath();
        Map<String, List<FileStatus>> byDirectory = new TreeMap<>();
        for (FileStatus status : new OffsetRecovery(fs, layout).committedFileStatuses(topic)) {
            String dirs = status.getPath().getParent().toUri().getPath().substring(topicPath.length()).replaceFirst("^/", "");
            if (selected.test(dirs)) {
                byDirectory.computeIfAbsent(dirs, d -> new ArrayList<>()).add(status);
            }
        }
        int directories = 0;
        int merges = 0;
        int filesBefore = 0;
        int filesAfter = 0;
        long records = 0;
        long bytesBefore = 0;
        long bytesAfter = 0;
        for (Map.Entry<String, List<FileStatus>> entry : byDirectory.entrySet()) {
            Path dir = new Path(layout.topicDir(topic), entry.getKey());
            if (onlyComplete && !isComplete(dir)) {
                continue;
            }
            directories++;
            for (List<FileStatus> run : runs(entry.getValue())) {
                filesBefore += run.size();
                bytesBefore += run.stream().mapToLong(FileStatus::getLen).sum();
                if (run.size() == 1) {
                    filesAfter++;
                    bytesAfter += run.get(0).getLen();
                    continue;
                }
                Merge merge = merge(workDir, dir, run);
                merges++;
                filesAfter++;
                bytesAfter += fs.getFileStatus(merge.target()).getLen();
                records += merge.records();
            }
        }
        Result result = new Result(topic, directories, merges, filesBefore, filesAfter, records, bytesBefore, bytesAfter, pending);
        LOG.info("compacted {}: {} files in {} directories became {} ({} merges, {} records)", topic, filesBefore, directories,
                filesAfter, merges, records);
        return result;
    }

    private record Merge(Path target, long records) {
    }

    private boolean isComplete(Path dir) throws IOException {
        return fs.exists(new Path(dir, SuccessMarkers.MARKER));
    }

    /**
     * The directory's files grouped by Kafka partition and format, in offset order, cut into runs whose sizes
     * add up to at most the target (a file already that large stays alone).
     */
    private List<List<FileStatus>> runs(List<FileStatus> files) {
        Map<String, List<FileStatus>> groups = new TreeMap<>();
        for (FileStatus file : files) {
            CommittedFileName name = CommittedFileName.parse(file.getPath().getName()).orElseThrow();
            groups.computeIfAbsent(name.partition() + "/" + name.extension(), k -> new ArrayList<>()).add(file);
        }
        List<List<FileStatus>> runs = new ArrayList<>();
        for (List<FileStatus> group : groups.values()) {
            group.sort(Comparator.comparingLong(f -> CommittedFileName.parse(f.getPath().getName()).orElseThrow().startOffset()));
            List<FileStatus> run = new ArrayList<>();
            long runBytes = 0;
            for (FileStatus file : group) {
                if (!run.isEmpty() && runBytes + file.getLen() > targetBytes) {
                    runs.add(run);
                    run = new ArrayList<>();
                    runBytes = 0;
                }
                run.add(file);
                runBytes += file.getLen();
            }
            if (!run.isEmpty()) {
                runs.add(run);
            }
        }
        return runs;
    }

    private Merge merge(Path workDir, Path dir, List<FileStatus> run) throws IOException {
        List<Path> sources = run.stream().map(FileStatus::getPath).toList();
        CommittedFileName first = CommittedFileName.parse(sources.get(0).getName()).orElseThrow();
        long end = sources.stream().mapToLong(p -> CommittedFileName.parse(p.getName()).orElseThrow().endOffset()).max().orElseThrow();
        CommittedFileName mergedName = new CommittedFileName(first.topic(), first.partition(), first.startOffset(), end, first.extension());
        Path target = new Path(dir, mergedName.format());
        if (fs.exists(target)) {
            throw new IOException("cannot merge into " + target + ": a file of that name exists already");
        }
        Path merged = new Path(workDir, UUID.randomUUID() + "." + mergedName.extension());
        long expected = merger.merge(sources, merged); // every record read from the sources, each written once
        long readBack = countRecords(merged, mergedName.extension());
        if (readBack != expected) {
            fs.delete(merged, false);
            throw new IOException("merging " + sources.size() + " files into " + target + " gave " + readBack + " records instead of "
                    + expected + "; nothing was changed");
        }
        Path manifest = new Path(workDir, mergedName.format() + CompactionManifest.SUFFIX);
        new CompactionManifest(merged, target, sources).write(fs, manifest);
        new CompactionManifest(merged, target, sources).rollForward(fs, manifest);
        LOG.debug("merged {} files into {} ({} records)", sources.size(), target, expected);
        return new Merge(target, expected);
    }

    private long countRecords(Path file, String extension) throws IOException {
        long[] count = {0};
        RecordFiles.forEachRecord(fs, file, extension, node -> count[0]++);
        return count[0];
    }
}
