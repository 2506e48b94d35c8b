package io.datalakelab.sink.hive;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.schema.Schemas;
import io.datalakelab.core.topic.Topics;
import io.datalakelab.sink.layout.EventTimePartitioner;
import io.datalakelab.sink.layout.LakeLayout;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hive-ddl}: prints the Hive DDL for a landed topic of sensor readings, and its partitions. */
@Command(name = "hive-ddl", mixinStandardHelpOptions = true,
        description = "Prints CREATE EXTERNAL TABLE ... PARTITIONED BY for a landed topic and ADD PARTITION statements for what is in HDFS.")
public final class HiveDdlCommand implements Callable<Integer> {

    @Option(names = "--hdfs-uri", defaultValue = "hdfs://127.0.0.1:8020", description = "NameNode (default: ${DEFAULT-VALUE}).")
    String hdfsUri;

    @Option(names = "--root", defaultValue = "/datalake/raw", description = "Lake root (default: ${DEFAULT-VALUE}).")
    String root;

    @Option(names = "--topic", defaultValue = Topics.SENSOR_READINGS, description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--partition-fields", split = ",", description = "The sink's partition.fields, e.g. site.")
    List<String> partitionFields = new ArrayList<>();

    @Option(names = "--granularity", defaultValue = "HOURLY", description = "The sink's partition.granularity: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EventTimePartitioner.Granularity granularity;

    @Option(names = "--no-partitions", description = "Print MSCK REPAIR TABLE instead of reading the partitions from HDFS.")
    boolean noPartitions;

    public static void main(String[] args) {
        Commands.runAndExit(new HiveDdlCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        HiveTableDdl ddl = new HiveTableDdl(topic, Schemas.sensorReading(), partitionFields, granularity);
        LakeLayout layout = new LakeLayout(new Path(root));
        String location = hdfsUri + layout.topicDir(topic).toUri().getPath();
        System.out.print(ddl.createTable(location));
        if (noPartitions) {
            System.out.print(ddl.repairTable());
            return Commands.OK;
        }
        Configuration conf = new Configuration();
        conf.set("fs.defaultFS", hdfsUri);
        try (FileSystem fs = FileSystem.newInstance(URI.create(hdfsUri), conf)) {
            System.out.print(ddl.addPartitions(HiveTableDdl.partitionDirs(fs, layout, topic), location));
        }
        return Commands.OK;
    }
}
