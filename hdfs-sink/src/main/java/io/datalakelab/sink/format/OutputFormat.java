package io.datalakelab.sink.format;

import java.util.Set;

/** The file formats the sink writes, and the compressions each supports. */
public enum OutputFormat {
    /** One JSON object per line; Hive reads it with its JsonSerDe. */
    JSONL("jsonl", Set.of(Compression.NONE, Compression.GZIP, Compression.ZSTD, Compression.SNAPPY), Compression.NONE),
    /** Avro object container files: the schema in the header, blocks compressed by the codec. */
    AVRO("avro", Set.of(Compression.NONE, Compression.SNAPPY, Compression.ZSTD, Compression.GZIP), Compression.SNAPPY),
    /** Columnar Parquet (parquet-avro), one row group per file unless the file outgrows parquet.row.group.bytes. */
    PARQUET("parquet", Set.of(Compression.NONE, Compression.SNAPPY, Compression.ZSTD, Compression.GZIP), Compression.SNAPPY);

    private final String extension;
    private final Set<Compression> compressions;
    private final Compression defaultCompression;

    OutputFormat(String extension, Set<Compression> compressions, Compression defaultCompression) {
        this.extension = extension;
        this.compressions = compressions;
        this.defaultCompression = defaultCompression;
    }

    public String extension() {
        return extension;
    }

    public boolean supports(Compression compression) {
        return compressions.contains(compression);
    }

    public Compression defaultCompression() {
        return defaultCompression;
    }

    /** Whether files of this format carry the schema and need the output schema to be written. */
    public boolean needsSchema() {
        return this != JSONL;
    }
}
