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

    @Option(names = "--schema", defaultValue = "sensor-reading",
            description = "The values' Avro schema, as the sink's value.schema: sensor-reading, change-event or an .avsc file (default: ${DEFAULT-VALUE}).")
    String schema;

    @Option(names = "--write", description = "Also write the statements to <root>/<topic>/_hive/ddl.sql in HDFS (replacing the last one).")
    boolean write;

    @Option(names = "--no-partitions", description = "Print MSCK REPAIR TABLE instead of reading the partitions from HDFS.")
    boolean noPartitions;

    public static void main(String[] args) {
        Commands.runAndExit(new HiveDdlCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        org.apache.avro.Schema valueSchema = Schemas.byName(schema).isPresent() ? Schemas.byName(schema).get()
                : new org.apache.avro.Schema.Parser().parse(new java.io.File(schema));
        HiveTableDdl ddl = new HiveTableDdl(lake.topic(), valueSchema, partitionFields, granularity, format);
        String location = lake.topicLocation();
        try (FileSystem fs = lake.openFileSystem()) {
            String statements = ddl.createTable(location) + (noPartitions ? ddl.repairTable()
                    : ddl.addPartitions(HiveTableDdl.partitionDirs(fs, lake.layout(), lake.topic()), location));
            System.out.print(statements);
            if (write) {
                // Under a '_' directory, which Hive and Spark skip when they read the table's files.
                org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(lake.layout().topicDir(lake.topic()), "_hive/ddl.sql");
                try (var out = fs.create(target, true)) {
                    out.write(statements.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                System.err.println("written to " + target);
            }
        }
        return Commands.OK;
    }
}
