package io.datalakelab.lab.check;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The labs of the course chapter (docs/course/), each with the name {@code lab check} knows it by. */
public enum CourseLab {
    FIRST_TOPIC(1, "first-topic", "topic teste with 1 partition, written and read with the console tools"),
    REPLICATION(2, "replication", "topic replicado on 3 brokers, replication factor 3, every replica in sync again"),
    JAVA_PRODUCER(3, "java-producer", "FirstProducer's 1000 messages in topic topic"),
    PYTHON_CLIENTS(4, "python-clients", "tuples [id, {idade, altura, peso}] in topic topic, read by a consumer group to the end"),
    MANY_PRODUCERS(5, "many-producers", "tuples of 4 producers in topic topic: at least 40 distinct ids"),
    FILTERS(6, "filters", "the speed layer running and healthy, alerts in iot.alerts"),
    IOT_TO_HDFS(7, "iot-to-hdfs", "sensor readings landed in HDFS, 0 lost and 0 duplicated"),
    MYSQL_TO_HDFS(8, "mysql-to-hdfs", "change events of shop.customers and shop.orders in HDFS replay to the tables"),
    FLUME(9, "flume", "the Flume agents running, files under /datalake/raw-flume"),
    RETENTION(10, "retention", "a lost-range report (_LOST) in HDFS: records that expired before the sink landed them"),
    DEPLOY(11, "deploy", "a deployed cluster (--bootstrap, --namenode): 3 brokers, 2 live DataNodes");

    private final int number;
    private final String id;
    private final String expects;

    CourseLab(int number, String id, String expects) {
        this.number = number;
        this.id = id;
        this.expects = expects;
    }

    public int number() {
        return number;
    }

    /** The name on the command line, e.g. {@code first-topic}. */
    public String id() {
        return id;
    }

    /** What the check looks for, in one line (for {@code lab check --list}). */
    public String expects() {
        return expects;
    }

    /** A lab by its name or its number ({@code first-topic}, {@code 1} or {@code 01}). */
    public static Optional<CourseLab> find(String nameOrNumber) {
        String wanted = nameOrNumber.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(lab -> lab.id.equals(wanted) || wanted.matches("0*" + lab.number))
                .findFirst();
    }
}
