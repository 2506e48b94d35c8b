package io.datalakelab.lab.component;

import io.datalakelab.lab.process.ManagedProcess;
import java.time.Instant;
import java.util.List;

/** One box of the lab (Kafka, HDFS, the database, the sink): its processes, how to start them and how to tell they are ready. */
public interface LabComponent {

    String name();

    List<ManagedProcess> processes();

    /** Starts the processes that are not running. Fails, naming the port, if a port is taken by something else. */
    void start() throws Exception;

    /** Returns once the component serves requests; throws, with the log's tail, if {@code deadline} passes first. */
    void awaitReady(Instant deadline) throws Exception;

    /** One line per process and the component's own facts (topics, live DataNodes, ...). */
    ComponentStatus status();

    /** Where a user connects, printed by {@code lab up}. */
    String endpoint();
}
