package io.datalakelab.sink.format;

import java.io.IOException;

/** One data file being written: records in, then finished (durable) or discarded. */
public interface RecordFileWriter {

    /** Appends a record prepared by {@link FileFormat#prepare}. */
    void write(Object prepared) throws IOException;

    /** Completes the file and makes it durable on the DataNodes (hsync), then closes it. */
    void finish() throws IOException;

    /** Closes the file without completing it; it is about to be deleted or abandoned. */
    void discard() throws IOException;
}
