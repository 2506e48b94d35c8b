package io.datalakelab.sink.hive;

import io.datalakelab.core.cli.Commands;
import io.datalakelab.core.schema.Schemas;
import io.datalakelab.sink.format.OutputFormat;
import io.datalakelab.sink.layout.EventTimePartitioner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import io.datalakelab.sink.LakeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hive-ddl}: prints the Hive DDL for a landed topic of sensor readings, and its partitions. */
@Command(name = "hive-ddl", mixinStandardHelpOptions = true,
        description = "Prints CREATE EXTERNAL TABLE ... PARTITIONED BY for a landed topic and ADD PARTITION statements for what is in HDFS.")
public final class HiveDdlCommand implements Callable<Integer> {

    @Mixin
    LakeOptions lake;

    @Option(names = "--partition-fields", split = ",", description = "The sink's partition.fields, e.g. site.")
    List<String> partitionFields = new ArrayList<>();

    @Option(names = "--granularity", defaultValue = "HOURLY", description = "The sink's partition.granularity: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EventTimePartitioner.Granularity granularity;

    @Option(names = "--format", defaultValue = "JSONL", description = "The sink's format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--no-partitions", description = "Print MSCK REPAIR TABLE instead of reading the partitions from HDFS.")
    boolean noPartitions;

    public static void main(String[] args) {
        Commands.runAndExit(new HiveDdlCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        HiveTableDdl ddl = new HiveTableDdl(lake.topic(), Schemas.sensorReading(), partitionFields, granularity, format);
        String location = lake.topicLocation();
        System.out.print(ddl.createTable(location));
        if (noPartitions) {
            System.out.print(ddl.repairTable());
            return Commands.OK;
        }
        try (FileSystem fs = lake.openFileSystem()) {
            System.out.print(ddl.addPartitions(HiveTableDdl.partitionDirs(fs, lake.layout(), lake.topic()), location));
        }
        return Commands.OK;
    }
}
