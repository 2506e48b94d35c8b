package io.datalakelab.rdbms;

import io.datalakelab.core.cli.JobFailedException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Turns the server's "access denied" into the privilege that is missing and the {@code GRANT} that adds it, so
 * that whoever runs the capture under a least-privilege user can fix it from the message alone.
 */
final class Privileges {

    /** ER_SPECIFIC_ACCESS_DENIED_ERROR: "you need (at least one of) the X privilege(s)". */
    static final int SPECIFIC_ACCESS_DENIED = 1227;
    /** ER_TABLEACCESS_DENIED_ERROR: "SELECT command denied to user ... for table ...". */
    static final int TABLE_ACCESS_DENIED = 1142;

    private Privileges() {
    }

    /** Reads the binlog list, as the capture does at start: needs REPLICATION CLIENT (MariaDB 10.5+: BINLOG MONITOR). */
    static void checkBinlogStatus(Connection connection, String user, boolean mariaDb) {
        try (Statement sql = connection.createStatement(); ResultSet ignored = sql.executeQuery("SHOW BINARY LOGS")) {
            // readable
        } catch (SQLException e) {
            if (e.getErrorCode() != SPECIFIC_ACCESS_DENIED) {
                throw new JobFailedException("cannot list the server's binlogs (SHOW BINARY LOGS): " + e.getMessage());
            }
            throw new JobFailedException("user '" + user + "' may not read the binlog's status (" + e.getMessage() + "). Grant it with: "
                    + (mariaDb ? "GRANT BINLOG MONITOR ON *.* TO " : "GRANT REPLICATION CLIENT ON *.* TO ") + account(user));
        }
    }

    /** The failure of a snapshot statement, with the GRANT that lets it run when it was refused. */
    static RuntimeException snapshotRefused(SQLException e, String user, String what, String grant) {
        if (e.getErrorCode() == TABLE_ACCESS_DENIED || e.getErrorCode() == SPECIFIC_ACCESS_DENIED) {
            return new JobFailedException("user '" + user + "' may not " + what + " (" + e.getMessage() + "). Grant it with: " + grant + " TO "
                    + account(user) + " (or start with snapshot.mode=never)");
        }
        return new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
    }

    static String account(String user) {
        return "'" + user.replace("'", "''") + "'@'%';";
    }
}
