package io.datalakelab.sink.hive;

import io.datalakelab.sink.completeness.SuccessMarkers;
import io.datalakelab.sink.format.OutputFormat;
import io.datalakelab.sink.layout.EventTimePartitioner;
import io.datalakelab.sink.layout.LakeLayout;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The Hive statements that make a landed topic queryable: {@code CREATE EXTERNAL TABLE ... PARTITIONED BY}
 * over its directory (columns from the value's Avro schema; JSON lines read by Hive's JsonSerDe, Avro and
 * Parquet by Hive's own readers), and
 * {@code ALTER TABLE ... ADD IF NOT EXISTS PARTITION} for every partition directory found in HDFS (or
 * {@code MSCK REPAIR TABLE} to let Hive find them itself).
 */
public final class HiveTableDdl {

    private final String topic;
    private final Schema valueSchema;
    private final List<String> partitionColumns;
    private final OutputFormat format;

    /**
     * @param partitionFields the sink's {@code partition.fields}
     * @param granularity     the sink's {@code partition.granularity}: adds {@code dt}, and {@code hr} when hourly
     * @param format          the sink's {@code format}, which decides the table's storage clause
     */
    public HiveTableDdl(String topic, Schema valueSchema, List<String> partitionFields, EventTimePartitioner.Granularity granularity,
                        OutputFormat format) {
        this.topic = topic;
        this.format = format;
        this.valueSchema = valueSchema;
        List<String> columns = new ArrayList<>(partitionFields);
        columns.add("dt");
        if (granularity == EventTimePartitioner.Granularity.HOURLY) {
            columns.add("hr");
        }
        this.partitionColumns = List.copyOf(columns);
    }

    public String tableName() {
        return topic.replaceAll("[^A-Za-z0-9_]", "_");
    }

    public String createTable(String location) {
        // Hive refuses a partition column that is also a data column; its value comes from the directory.
        String columns = valueSchema.getFields().stream()
                .filter(f -> !partitionColumns.contains(f.name()))
                .map(f -> "  `" + f.name() + "` " + hiveType(f.schema()))
                .collect(Collectors.joining(",\n"));
        String partitions = partitionColumns.stream().map(c -> "`" + c + "` STRING").collect(Collectors.joining(", "));
        return "CREATE EXTERNAL TABLE IF NOT EXISTS `" + tableName() + "` (\n" + columns + "\n)\n"
                + "PARTITIONED BY (" + partitions + ")\n"
                + storage()
                + "LOCATION '" + location + "';\n";
    }

    /** JSON lines through Hive's JsonSerDe (compressed files are read through Hadoop's codecs by suffix). */
    private String storage() {
        return switch (format) {
            case JSONL -> "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\nSTORED AS TEXTFILE\n";
            case AVRO -> "STORED AS AVRO\n";
            case PARQUET -> "STORED AS PARQUET\n";
        };
    }

    public String repairTable() {
        return "MSCK REPAIR TABLE `" + tableName() + "`;\n";
    }

    /** One {@code ADD IF NOT EXISTS PARTITION} per directory, e.g. {@code site=porto/dt=2026-11-23/hr=09}. */
    public String addPartitions(List<String> partitionDirs, String location) {
        StringBuilder out = new StringBuilder();
        for (String dirs : partitionDirs) {
            Map<String, String> values = parse(dirs);
            if (!values.keySet().equals(new java.util.LinkedHashSet<>(partitionColumns))) {
                continue; // not a directory of this layout
            }
            String spec = values.entrySet().stream().map(e -> "`" + e.getKey() + "`='" + e.getValue().replace("'", "\\\\'") + "'")
                    .collect(Collectors.joining(", "));
            out.append("ALTER TABLE `").append(tableName()).append("` ADD IF NOT EXISTS PARTITION (").append(spec)
                    .append(") LOCATION '").append(location).append('/').append(dirs).append("';\n");
        }
        return out.toString();
    }

    /** The partition directories (relative to the topic's) that hold committed files, sorted. */
    public static List<String> partitionDirs(FileSystem fs, LakeLayout layout, String topic) throws IOException {
        Path topicDir = layout.topicDir(topic);
        String prefix = topicDir.toUri().getPath() + "/";
        TreeSet<String> dirs = new TreeSet<>();
        RemoteIterator<LocatedFileStatus> files;
        try {
            files = fs.listFiles(topicDir, true);
        } catch (FileNotFoundException e) {
            return List.of();
        }
        while (files.hasNext()) {
            FileStatus file = files.next();
            if (LakeLayout.isHidden(file.getPath(), topicDir) || file.getPath().getName().equals(SuccessMarkers.MARKER)) {
                continue;
            }
            dirs.add(file.getPath().getParent().toUri().getPath().substring(prefix.length()));
        }
        return List.copyOf(dirs);
    }

    private static Map<String, String> parse(String dirs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : dirs.split("/")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), URLDecoder.decode(part.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static String hiveType(Schema schema) {
        return switch (schema.getType()) {
            case STRING, ENUM -> "STRING";
            case LONG -> "BIGINT";
            case INT -> "INT";
            case DOUBLE -> "DOUBLE";
            case FLOAT -> "FLOAT";
            case BOOLEAN -> "BOOLEAN";
            case BYTES, FIXED -> "BINARY";
            case MAP -> "MAP<STRING," + hiveType(schema.getValueType()) + ">";
            case ARRAY -> "ARRAY<" + hiveType(schema.getElementType()) + ">";
            case RECORD -> "STRUCT<" + schema.getFields().stream().map(f -> "`" + f.name() + "`:" + hiveType(f.schema()))
                    .collect(Collectors.joining(",")) + ">";
            case UNION -> {
                List<Schema> nonNull = schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
                yield nonNull.size() == 1 ? hiveType(nonNull.get(0)) : "STRING";
            }
            case NULL -> "STRING";
        };
    }
}
