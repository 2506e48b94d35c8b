package io.datalakelab.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Server arguments shared by the {@link Database} fixture and the lab's database process. */
public final class DatabaseSettings {

    private DatabaseSettings() {
    }

    /** ROW binlog with full row images and full table metadata, as change-data capture needs; bound to 127.0.0.1. */
    public static List<String> serverArguments(Path binlogDir, int serverId) {
        List<String> args = new ArrayList<>();
        args.add("--bind-address=127.0.0.1");
        args.add("--server-id=" + serverId);
        args.add("--log-bin=" + binlogDir.resolve("mysql-bin"));
        args.add("--binlog-format=ROW");
        args.add("--binlog-row-image=FULL");
        // Every table map event then names its columns, types and key: rows decode as they were written, also
        // when they are read after a later ALTER.
        args.add("--binlog-row-metadata=FULL");
        args.add("--skip-name-resolve");
        // MariaDB 11.4 otherwise generates a TLS certificate at every start: 5-15 s of a 2-core machine,
        // for a server that only listens on 127.0.0.1.
        args.add("--skip-ssl");
        if ("root".equals(System.getProperty("user.name"))) {
            // mysqld refuses to run as root unless told so explicitly.
            args.add("--user=root");
        }
        return args;
    }

    public static String jdbcUrl(int port, String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database + "?user=root&allowPublicKeyRetrieval=true&useSSL=false";
    }
}
