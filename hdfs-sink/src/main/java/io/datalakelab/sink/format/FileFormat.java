package io.datalakelab.sink.format;

import com.github.luben.zstd.ZstdOutputStream;
import io.datalakelab.core.schema.InvalidRecordException;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.io.compress.SnappyCodec;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.DelegatingPositionOutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * What the sink's files look like: a format, its compression, and (for Avro and Parquet) the schema of the
 * records. Knows the files' extension, how to turn a decoded value into what the format writes, and how
 * to write a file onto an HDFS stream.
 */
public record FileFormat(OutputFormat format, Compression compression, Schema schema, long parquetRowGroupBytes) {

    public FileFormat {
        if (compression == Compression.AUTO) {
            compression = format.defaultCompression();
        }
        if (!format.supports(compression)) {
            throw new IllegalArgumentException(format + " files cannot be compressed with " + compression);
        }
        if (format.needsSchema() && schema == null) {
            throw new IllegalArgumentException(format + " files need a value schema");
        }
    }

    public static FileFormat jsonLines() {
        return new FileFormat(OutputFormat.JSONL, Compression.NONE, null, 0);
    }

    /** The extension of committed files, e.g. {@code jsonl.gz} or {@code parquet}. */
    public String extension() {
        return format == OutputFormat.JSONL ? format.extension() + compression.textSuffix() : format.extension();
    }

    /** The value as the format writes it: a JSON line, or an Avro record of the schema. */
    public Object prepare(SinkValue value) throws InvalidRecordException {
        return format == OutputFormat.JSONL ? value.jsonLine() : value.record(schema);
    }

    /** Starts a file on {@code out}; the writer owns the stream from now on. */
    public RecordFileWriter open(FSDataOutputStream out, Configuration hadoop) throws IOException {
        return switch (format) {
            case JSONL -> new JsonLinesWriter(out, compressed(out, hadoop));
            case AVRO -> new AvroWriter(out, schema, avroCodec());
            case PARQUET -> new ParquetRecordWriter(out, schema, parquetCodec(), parquetRowGroupBytes, hadoop);
        };
    }

    private OutputStream compressed(FSDataOutputStream file, Configuration hadoop) throws IOException {
        // Closing the compressor must finish its stream but leave the file open, to be hsync'ed.
        OutputStream out = new FilterOutputStream(file) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                file.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        return switch (compression) {
            case NONE, AUTO -> new BufferedOutputStream(out, 64 * 1024);
            case GZIP -> new GZIPOutputStream(out, 64 * 1024);
            case ZSTD -> new BufferedOutputStream(new ZstdOutputStream(out, 3), 64 * 1024);
            case SNAPPY -> {
                SnappyCodec codec = new SnappyCodec();
                codec.setConf(hadoop);
                yield new BufferedOutputStream(codec.createOutputStream(out), 64 * 1024);
            }
        };
    }

    private CodecFactory avroCodec() {
        return switch (compression) {
            case NONE, AUTO -> CodecFactory.nullCodec();
            case SNAPPY -> CodecFactory.snappyCodec();
            case ZSTD -> CodecFactory.zstandardCodec(3);
            case GZIP -> CodecFactory.deflateCodec(6);
        };
    }

    private CompressionCodecName parquetCodec() {
        return switch (compression) {
            case NONE, AUTO -> CompressionCodecName.UNCOMPRESSED;
            case SNAPPY -> CompressionCodecName.SNAPPY;
            case ZSTD -> CompressionCodecName.ZSTD;
            case GZIP -> CompressionCodecName.GZIP;
        };
    }

    /** JSON lines, possibly through a compressor that sits on top of the HDFS stream. */
    private static final class JsonLinesWriter implements RecordFileWriter {
        private final FSDataOutputStream file;
        private final OutputStream out;

        JsonLinesWriter(FSDataOutputStream file, OutputStream out) {
            this.file = file;
            this.out = out;
        }

        @Override
        public void write(Object prepared) throws IOException {
            out.write((byte[]) prepared);
            out.write('\n');
        }

        @Override
        public void finish() throws IOException {
            out.close(); // ends the compressed stream; the shield keeps the HDFS file open
            file.hsync();
            file.close();
        }

        @Override
        public void discard() throws IOException {
            file.close();
        }
    }

    /** An Avro object container file. */
    private static final class AvroWriter implements RecordFileWriter {
        private final FSDataOutputStream file;
        private final DataFileWriter<GenericRecord> writer;

        AvroWriter(FSDataOutputStream file, Schema schema, CodecFactory codec) throws IOException {
            this.file = file;
            this.writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema));
            writer.setCodec(codec);
            writer.setSyncInterval(256 * 1024);
            writer.create(schema, file);
        }

        @Override
        public void write(Object prepared) throws IOException {
            writer.append((GenericRecord) prepared);
        }

        @Override
        public void finish() throws IOException {
            writer.flush();
            file.hsync();
            writer.close();
        }

        @Override
        public void discard() throws IOException {
            file.close();
        }
    }

    /** A Parquet file written through parquet-avro onto the HDFS stream. */
    private static final class ParquetRecordWriter implements RecordFileWriter {
        private final FSDataOutputStream file;
        private final ParquetWriter<GenericRecord> writer;

        ParquetRecordWriter(FSDataOutputStream file, Schema schema, CompressionCodecName codec, long rowGroupBytes,
                            Configuration hadoop) throws IOException {
            this.file = file;
            this.writer = AvroParquetWriter.<GenericRecord>builder(new StreamOutputFile(file))
                    .withSchema(schema)
                    .withConf(hadoop)
                    .withCompressionCodec(codec)
                    .withRowGroupSize(rowGroupBytes)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build();
        }

        @Override
        public void write(Object prepared) throws IOException {
            writer.write((GenericRecord) prepared);
        }

        @Override
        public void finish() throws IOException {
            writer.close(); // StreamOutputFile's stream hsyncs before it closes
        }

        @Override
        public void discard() throws IOException {
            file.close();
        }
    }

    /** Parquet's view of an already open HDFS stream; made durable (hsync) when Parquet closes it. */
    private record StreamOutputFile(FSDataOutputStream out) implements OutputFile {

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return stream();
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return stream();
        }

        private PositionOutputStream stream() {
            return new DelegatingPositionOutputStream(out) {
                @Override
                public long getPos() throws IOException {
                    return out.getPos();
                }

                @Override
                public void close() throws IOException {
                    out.hsync();
                    super.close();
                }
            };
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
