package io.datalakelab.sink.format;

/**
 * How committed files are compressed. For Parquet and Avro the codec applies inside the file (pages,
 * blocks), which stays splittable; for JSON lines the whole file is one compressed stream with the usual
 * suffix ({@code .gz}, {@code .zst}, {@code .snappy} in Hadoop's block framing), which Hadoop and Hive
 * read through their codecs.
 */
public enum Compression {
    /** The format's usual choice: snappy for Avro and Parquet, none for JSON lines. */
    AUTO(""),
    NONE(""),
    SNAPPY(".snappy"),
    ZSTD(".zst"),
    /** gzip for JSON lines and Parquet; Avro's equivalent, deflate, for Avro. */
    GZIP(".gz");

    private final String textSuffix;

    Compression(String textSuffix) {
        this.textSuffix = textSuffix;
    }

    /** The suffix a compressed JSON-lines file carries after {@code .jsonl}. */
    String textSuffix() {
        return textSuffix;
    }
}
