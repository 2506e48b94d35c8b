package io.datalakelab.sink.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import io.datalakelab.sink.layout.CommittedFileName;
import java.util.zip.GZIPInputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.SnappyCodec;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/** Reads back committed files of any format the sink writes, recognised by their extension. */
public final class RecordFiles {

    private RecordFiles() {
    }

    /** The format of a committed file's extension ({@code jsonl}, {@code jsonl.gz}, {@code avro}, {@code parquet}...). */
    public static OutputFormat formatOf(String extension) {
        if (extension.equals("jsonl") || extension.startsWith("jsonl.")) {
            return OutputFormat.JSONL;
        }
        for (OutputFormat format : OutputFormat.values()) {
            if (format.extension().equals(extension)) {
                return format;
            }
        }
        throw new IllegalArgumentException("not a file extension the sink writes: " + extension);
    }

    /**
     * Calls {@code each} with every record of the file as plain JSON, in file order. A JSON line that does
     * not parse is passed as a text node holding the line, so callers can count it as unreadable.
     */
    public static void forEachRecord(FileSystem fs, Path file, Consumer<JsonNode> each) throws IOException {
        String extension = CommittedFileName.parse(file.getName())
                .orElseThrow(() -> new IOException(file + " is not a committed file of the sink")).extension();
        forEachRecord(fs, file, extension, each);
    }

    /** As {@link #forEachRecord(FileSystem, Path, Consumer)}, for a file whose name does not carry its extension. */
    public static void forEachRecord(FileSystem fs, Path file, String extension, Consumer<JsonNode> each) throws IOException {
        switch (formatOf(extension)) {
            case JSONL -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(openText(fs, file, extension), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        JsonNode node;
                        try {
                            node = AvroJson.MAPPER.readTree(line);
                        } catch (IOException e) {
                            node = TextNode.valueOf(line);
                        }
                        each.accept(node);
                    }
                }
            }
            case AVRO -> {
                try (InputStream in = fs.open(file);
                     DataFileStream<GenericRecord> records = new DataFileStream<>(in, new GenericDatumReader<>())) {
                    for (GenericRecord record : records) {
                        each.accept(AvroJson.toJson(record, record.getSchema()));
                    }
                }
            }
            case PARQUET -> {
                try (ParquetReader<GenericRecord> records = parquetReader(fs, file)) {
                    GenericRecord record;
                    while ((record = records.read()) != null) {
                        each.accept(AvroJson.toJson(record, record.getSchema()));
                    }
                }
            }
        }
    }

    /** A Parquet file's records as Avro data. */
    public static ParquetReader<GenericRecord> parquetReader(FileSystem fs, Path file) throws IOException {
        return AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(file, fs.getConf()))
                .withDataModel(GenericData.get())
                .build();
    }

    /** A JSON-lines file's bytes, decompressed according to its suffix. */
    public static InputStream openText(FileSystem fs, Path file) throws IOException {
        return openText(fs, file, file.getName());
    }

    private static InputStream openText(FileSystem fs, Path file, String name) throws IOException {
        InputStream in = fs.open(file);
        if (name.endsWith(".gz")) {
            return new GZIPInputStream(in, 64 * 1024);
        }
        if (name.endsWith(".zst")) {
            return new ZstdInputStream(in);
        }
        if (name.endsWith(".snappy")) {
            SnappyCodec codec = new SnappyCodec();
            codec.setConf(fs.getConf());
            return codec.createInputStream(in);
        }
        return in;
    }
}
