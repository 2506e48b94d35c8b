package io.datalakelab.sink.write;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Small files written whole and synced to the DataNodes before they count: commit manifests, lost-range reports,
 * write probes.
 *
 * <p>Not with try-with-resources: when HDFS goes away mid-write, {@code DFSOutputStream.close()} throws the very
 * exception the write threw, and adding an exception to itself as suppressed fails with an
 * {@code IllegalArgumentException} that hides the {@code IOException}, so the caller's "HDFS unavailable, retry"
 * handling never sees it (a NameNode outage stopped the sink this way).
 */
public final class SyncedFiles {

    private SyncedFiles() {
    }

    /** Writes {@code content} to {@code path} and hsyncs it; the IOException of the write, if any, is the one thrown. */
    public static void write(FileSystem fs, Path path, byte[] content, boolean overwrite) throws IOException {
        FSDataOutputStream out = fs.create(path, overwrite);
        try {
            out.write(content);
            out.hsync();
        } catch (IOException | RuntimeException e) {
            closeAfter(out, e);
            throw e;
        }
        out.close();
    }

    /** Closes {@code out} after {@code failure}, keeping a different close failure as suppressed. */
    public static void closeAfter(java.io.Closeable out, Throwable failure) {
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            if (e != failure) {
                failure.addSuppressed(e);
            }
        }
    }
}
