package io.datalakelab.sink.compaction;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One merge's intent, written durably once the merged file is complete in {@code _compaction/}: the merged
 * file, its committed place, and the source files it replaces. Rolling it forward (rename the merged file
 * into place, delete the sources, delete the manifest) is idempotent, so a crash at any point is finished by
 * the next compaction run; a merged file without a manifest is an orphan and is deleted.
 */
record CompactionManifest(Path merged, Path target, List<Path> sources) {

    static final String SUFFIX = ".compact";

    void write(FileSystem fs, Path manifest) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("merged\t").append(merged).append('\n');
        text.append("target\t").append(target).append('\n');
        sources.forEach(source -> text.append("source\t").append(source).append('\n'));
        io.datalakelab.sink.write.SyncedFiles.write(fs, manifest, text.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    static CompactionManifest read(FileSystem fs, Path manifest) throws IOException {
        String text;
        try (InputStream in = fs.open(manifest)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path merged = null;
        Path target = null;
        List<Path> sources = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] parts = line.split("\t", 2);
            if (parts.length != 2) {
                continue;
            }
            switch (parts[0]) {
                case "merged" -> merged = new Path(parts[1]);
                case "target" -> target = new Path(parts[1]);
                case "source" -> sources.add(new Path(parts[1]));
                default -> throw new IOException("compaction manifest " + manifest + " has an unknown line: " + line);
            }
        }
        if (merged == null || target == null || sources.isEmpty()) {
            throw new IOException("compaction manifest " + manifest + " is incomplete");
        }
        return new CompactionManifest(merged, target, List.copyOf(sources));
    }

    /** Puts the merged file in place and removes the sources it holds; safe to repeat after a crash. */
    void rollForward(FileSystem fs, Path manifest) throws IOException {
        if (!fs.exists(target)) {
            if (!fs.exists(merged)) {
                throw new IOException("compaction manifest " + manifest + " lists " + merged + " but neither it nor " + target
                        + " exists; the sources are untouched and still hold the data");
            }
            if (!fs.rename(merged, target)) {
                throw new IOException("cannot rename " + merged + " to " + target);
            }
        }
        for (Path source : sources) {
            if (!fs.delete(source, false) && fs.exists(source)) {
                throw new IOException("cannot delete compacted file " + source);
            }
        }
        fs.delete(manifest, false);
    }
}
