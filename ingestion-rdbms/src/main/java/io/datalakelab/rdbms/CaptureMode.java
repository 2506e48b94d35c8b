package io.datalakelab.rdbms;

/** How the service learns of row changes ({@code capture.mode}). */
public enum CaptureMode {
    /** Stream every committed change from the binlog, as a replica would: needs REPLICATION rights and a ROW binlog. */
    BINLOG,
    /** Query the tables for rows that are new or changed since the last poll: needs SELECT only (see {@link PollingCapture}). */
    POLLING
}
