package io.datalakelab.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A MySQL-protocol database server with a ROW binlog, as change capture reads it: {@link Database} (MariaDB) and
 * {@link MySqlServer} (MySQL 8). Tests written against this run unchanged on either engine.
 */
public interface BinlogDatabase extends AutoCloseable {

    /** The server's port on 127.0.0.1. */
    int port();

    /** JDBC URL of {@code database} (empty for none) as the server's root user. */
    String jdbcUrl(String database);

    /** A connection to {@code database} (empty for none) as the server's root user. */
    Connection connect(String database) throws SQLException;

    /** What {@code SELECT VERSION()} says, e.g. {@code 8.0.31} or {@code 11.4.5-MariaDB}. */
    default String version() throws SQLException {
        try (Connection connection = connect(""); Statement sql = connection.createStatement();
             var rows = sql.executeQuery("SELECT VERSION()")) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** Runs each statement in turn, as root, on one connection without a default database. */
    default void execute(String... statements) throws SQLException {
        try (Connection connection = connect(""); Statement sql = connection.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    /** Stops the server and starts it again on the same port and data; returns once it accepts a query. */
    void restart() throws Exception;
}
