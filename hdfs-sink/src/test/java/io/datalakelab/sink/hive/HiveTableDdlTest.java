package io.datalakelab.sink.hive;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.schema.Schemas;
import io.datalakelab.sink.format.OutputFormat;
import io.datalakelab.sink.layout.EventTimePartitioner;
import java.util.List;
import org.junit.jupiter.api.Test;

class HiveTableDdlTest {

    private final HiveTableDdl ddl = new HiveTableDdl("iot.sensor-readings", Schemas.sensorReading(), List.of("site"),
            EventTimePartitioner.Granularity.HOURLY, OutputFormat.JSONL);

    @Test
    void theTableHasTheSchemasColumnsAndThePartitionColumnsOfTheLayout() {
        String create = ddl.createTable("hdfs://nn:8020/datalake/raw/iot.sensor-readings");
        assertThat(create).startsWith("CREATE EXTERNAL TABLE IF NOT EXISTS `iot_sensor_readings` (")
                .contains("`deviceId` STRING", "`eventTime` BIGINT", "`sequence` BIGINT", "`values` MAP<STRING,DOUBLE>")
                .contains("PARTITIONED BY (`site` STRING, `dt` STRING, `hr` STRING)")
                .contains("org.apache.hive.hcatalog.data.JsonSerDe")
                .contains("LOCATION 'hdfs://nn:8020/datalake/raw/iot.sensor-readings';");
        assertThat(create).as("a partition column cannot also be a data column").doesNotContain("`site` STRING,\n");
    }

    @Test
    void avroAndParquetTablesUseHivesOwnStorage() {
        assertThat(new HiveTableDdl("t", Schemas.sensorReading(), List.of(), EventTimePartitioner.Granularity.DAILY, OutputFormat.PARQUET)
                .createTable("hdfs://nn/t")).contains("STORED AS PARQUET\n").doesNotContain("JsonSerDe").contains("PARTITIONED BY (`dt` STRING)");
        assertThat(new HiveTableDdl("t", Schemas.sensorReading(), List.of(), EventTimePartitioner.Granularity.HOURLY, OutputFormat.AVRO)
                .createTable("hdfs://nn/t")).contains("STORED AS AVRO\n");
    }

    @Test
    void partitionsAreAddedWithTheirUnescapedValuesAndOnlyForThisLayout() {
        String add = ddl.addPartitions(List.of("site=S%C3%A3o%20Paulo/dt=2025-11-23/hr=12", "dt=2025-11-23/hr=12"), "hdfs://nn/t");
        assertThat(add.lines()).containsExactly("ALTER TABLE `iot_sensor_readings` ADD IF NOT EXISTS PARTITION "
                + "(`site`='São Paulo', `dt`='2025-11-23', `hr`='12') LOCATION 'hdfs://nn/t/site=S%C3%A3o%20Paulo/dt=2025-11-23/hr=12';");
    }
}
