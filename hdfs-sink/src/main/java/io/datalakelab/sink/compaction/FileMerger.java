package io.datalakelab.sink.compaction;

import io.datalakelab.sink.format.Compression;
import io.datalakelab.sink.format.FileFormat;
import io.datalakelab.sink.format.OutputFormat;
import io.datalakelab.sink.format.RecordFileWriter;
import io.datalakelab.sink.format.RecordFiles;
import io.datalakelab.sink.layout.CommittedFileName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Writes the records of several committed files of one format, in order, into one new file of the same
 * format, schema and compression, record by record, so the result has full-size Avro blocks and Parquet row
 * groups rather than the small ones of its sources.
 */
final class FileMerger {

    private final FileSystem fs;
    private final long parquetRowGroupBytes;

    FileMerger(FileSystem fs, long parquetRowGroupBytes) {
        this.fs = fs;
        this.parquetRowGroupBytes = parquetRowGroupBytes;
    }

    /** Merges {@code sources} into {@code target} (created, hsync'ed, closed); returns how many records it holds. */
    long merge(List<Path> sources, Path target) throws IOException {
        String extension = CommittedFileName.parse(sources.get(0).getName()).orElseThrow().extension();
        return switch (RecordFiles.formatOf(extension)) {
            case JSONL -> mergeJsonLines(sources, target, extension);
            case AVRO -> mergeAvro(sources, target);
            case PARQUET -> mergeParquet(sources, target);
        };
    }

    private long mergeJsonLines(List<Path> sources, Path target, String extension) throws IOException {
        Compression compression = switch (extension) {
            case "jsonl.gz" -> Compression.GZIP;
            case "jsonl.zst" -> Compression.ZSTD;
            case "jsonl.snappy" -> Compression.SNAPPY;
            default -> Compression.NONE;
        };
        FileFormat format = new FileFormat(OutputFormat.JSONL, compression, null, 0);
        RecordFileWriter writer = format.open(fs.create(target, false), fs.getConf());
        long records = 0;
        try {
            for (Path source : sources) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(RecordFiles.openText(fs, source), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        writer.write(line.getBytes(StandardCharsets.UTF_8));
                        records++;
                    }
                }
            }
            writer.finish();
            return records;
        } catch (IOException | RuntimeException e) {
            writer.discard();
            throw e;
        }
    }

    private long mergeAvro(List<Path> sources, Path target) throws IOException {
        Schema schema;
        String codec;
        try (InputStream in = fs.open(sources.get(0));
             DataFileStream<GenericRecord> first = new DataFileStream<>(in, new GenericDatumReader<>())) {
            schema = first.getSchema();
            codec = first.getMetaString(DataFileConstants.CODEC);
        }
        long records = 0;
        FSDataOutputStream out = fs.create(target, false);
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            writer.setCodec(codec == null ? CodecFactory.nullCodec() : CodecFactory.fromString(codec));
            writer.create(schema, out);
            for (Path source : sources) {
                try (InputStream in = fs.open(source);
                     DataFileStream<GenericRecord> stream = new DataFileStream<>(in, new GenericDatumReader<>())) {
                    if (!stream.getSchema().equals(schema)) {
                        throw new IOException(source + " has another schema than " + sources.get(0) + "; they cannot be merged");
                    }
                    for (GenericRecord record : stream) {
                        writer.append(record);
                        records++;
                    }
                }
            }
            writer.flush();
            out.hsync();
        }
        return records;
    }

    private long mergeParquet(List<Path> sources, Path target) throws IOException {
        Schema schema;
        CompressionCodecName codec;
        try (ParquetReader<GenericRecord> first = RecordFiles.parquetReader(fs, sources.get(0));
             ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(sources.get(0), fs.getConf()))) {
            GenericRecord record = first.read();
            if (record == null) {
                throw new IOException(sources.get(0) + " holds no records");
            }
            schema = record.getSchema();
            codec = footer.getRowGroups().isEmpty() ? CompressionCodecName.UNCOMPRESSED
                    : footer.getRowGroups().get(0).getColumns().get(0).getCodec();
        }
        Compression compression = switch (codec) {
            case SNAPPY -> Compression.SNAPPY;
            case ZSTD -> Compression.ZSTD;
            case GZIP -> Compression.GZIP;
            default -> Compression.NONE;
        };
        FileFormat format = new FileFormat(OutputFormat.PARQUET, compression, schema, parquetRowGroupBytes);
        RecordFileWriter writer = format.open(fs.create(target, false), fs.getConf());
        long records = 0;
        try {
            for (Path source : sources) {
                try (ParquetReader<GenericRecord> reader = RecordFiles.parquetReader(fs, source)) {
                    GenericRecord record;
                    while ((record = reader.read()) != null) {
                        if (!record.getSchema().equals(schema)) {
                            throw new IOException(source + " has another schema than " + sources.get(0) + "; they cannot be merged");
                        }
                        writer.write(record);
                        records++;
                    }
                }
            }
            writer.finish();
            return records;
        } catch (IOException | RuntimeException e) {
            writer.discard();
            throw e;
        }
    }
}
