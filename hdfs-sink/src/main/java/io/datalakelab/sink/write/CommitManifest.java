package io.datalakelab.sink.write;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A batch's intent to land: lines of {@code <temporary path>\t<committed path>}, written (durably) after
 * every temporary file is complete and before the first rename. Rolling it forward is idempotent, so a
 * crash anywhere during the renames is finished by the next owner of the partition.
 */
public final class CommitManifest {

    public static final String SUFFIX = ".commit";

    private CommitManifest() {
    }

    /** Renames every listed file that is not yet in place, then deletes the manifest. */
    public static void rollForward(FileSystem fs, Path manifest) throws IOException {
        String text;
        try (InputStream in = fs.open(manifest)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] paths = line.split("\t");
            if (paths.length != 2) {
                throw new IOException("commit manifest " + manifest + " has a malformed line: " + line);
            }
            Path temporary = new Path(paths[0]);
            Path target = new Path(paths[1]);
            if (fs.exists(target)) {
                continue; // renamed before a crash
            }
            if (!fs.exists(temporary)) {
                throw new IOException("commit manifest " + manifest + " lists " + temporary + " but neither it nor " + target
                        + " exists: the batch cannot be completed; its offsets would have to be re-landed by hand");
            }
            fs.mkdirs(target.getParent());
            if (!fs.rename(temporary, target)) {
                throw new IOException("cannot commit " + temporary + " as " + target);
            }
        }
        fs.delete(manifest, false);
    }
}
