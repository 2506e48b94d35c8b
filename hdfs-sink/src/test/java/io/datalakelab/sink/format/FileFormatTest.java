package io.datalakelab.sink.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.schema.Schemas;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every format and compression, written on the local file system and read back by our reader and, for Parquet, DuckDB's. */
class FileFormatTest {

    private static final int RECORDS = 500;

    @TempDir
    File dir;

    private static List<SensorReading> readings() {
        List<SensorReading> out = new ArrayList<>();
        for (int i = 1; i <= RECORDS; i++) {
            out.add(new SensorReading("dev-" + (i % 7), "thermometer", "porto", 1_795_428_000_000L + i, i,
                    Map.of("temperature", 20.0 + i / 100.0, "humidity", 40.5)));
        }
        return out;
    }

    private Path write(FileFormat format) throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path file = new Path(dir.getAbsolutePath(), "t+0+0+" + (RECORDS - 1) + "." + format.extension());
        ValueDecoder decoder = new ValueDecoder(ValueDecoder.ValueFormat.JSON, Schemas.sensorReading());
        RecordFileWriter writer = format.open(fs.create(file, false), fs.getConf());
        for (SensorReading reading : readings()) {
            writer.write(format.prepare(decoder.decode(SensorReadingCodec.toJson(reading))));
        }
        writer.finish();
        return file;
    }

    private static List<SensorReading> readBack(Path file) throws Exception {
        List<SensorReading> out = new ArrayList<>();
        RecordFiles.forEachRecord(FileSystem.getLocal(new Configuration()), file, (JsonNode node) -> out.add(SensorReadingCodec.fromJsonNode(node)));
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZSTD", "SNAPPY"})
    void jsonLinesRoundTripInEveryCompression(Compression compression) throws Exception {
        Path file = write(new FileFormat(OutputFormat.JSONL, compression, null, 0));
        assertThat(file.getName()).endsWith(compression == Compression.NONE ? ".jsonl" : ".jsonl" + compression.textSuffix());
        assertThat(readBack(file)).containsExactlyElementsOf(readings());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZSTD", "SNAPPY"})
    void avroRoundTripsInEveryCodec(Compression compression) throws Exception {
        Path file = write(new FileFormat(OutputFormat.AVRO, compression, Schemas.sensorReading(), 0));
        assertThat(readBack(file)).containsExactlyElementsOf(readings());
        try (var in = new org.apache.avro.file.DataFileReader<>(new File(file.toUri().getPath()), new org.apache.avro.generic.GenericDatumReader<>())) {
            String expected = switch (compression) {
                case NONE -> "null";
                case GZIP -> "deflate";
                case ZSTD -> "zstandard";
                default -> "snappy";
            };
            assertThat(in.getMetaString("avro.codec")).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZSTD", "SNAPPY"})
    void parquetIsReadableByDuckDbInEveryCodec(Compression compression) throws Exception {
        Path file = write(new FileFormat(OutputFormat.PARQUET, compression, Schemas.sensorReading(), 1024 * 1024));
        assertThat(readBack(file)).containsExactlyElementsOf(readings());

        String path = new File(file.toUri().getPath()).getAbsolutePath().replace("'", "''");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             Statement sql = duck.createStatement()) {
            try (ResultSet rows = sql.executeQuery("SELECT count(*), count(DISTINCT deviceId), sum(sequence), max(\"values\"['temperature']) "
                    + "FROM read_parquet('" + path + "')")) {
                rows.next();
                assertThat(rows.getLong(1)).isEqualTo(RECORDS);
                assertThat(rows.getLong(2)).isEqualTo(7);
                assertThat(rows.getLong(3)).isEqualTo((long) RECORDS * (RECORDS + 1) / 2);
                assertThat(rows.getDouble(4)).isEqualTo(25.0);
            }
            try (ResultSet codec = sql.executeQuery("SELECT DISTINCT compression FROM parquet_metadata('" + path + "')")) {
                codec.next();
                assertThat(codec.getString(1)).isEqualToIgnoringCase(compression == Compression.NONE ? "UNCOMPRESSED" : compression.name());
            }
        }
        assertThat(new String(java.nio.file.Files.readAllBytes(new File(file.toUri().getPath()).toPath()), StandardCharsets.ISO_8859_1)).startsWith("PAR1");
    }
}
