package io.datalakelab.sink.layout;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a committed data file, {@code <topic>+<partition>+<startOffset>+<endOffset>.<extension>}: the
 * file belongs to the batch of that Kafka partition covering {@code startOffset} to {@code endOffset}, both
 * inclusive. A batch whose records went to several directories has one file of this name in each. These
 * names are the sink's source of truth for where to resume.
 */
public record CommittedFileName(String topic, int partition, long startOffset, long endOffset, String extension) {

    // Topic names cannot contain '+', so the last three '+' separate partition and offsets.
    private static final Pattern NAME = Pattern.compile("^(.+)\\+(\\d+)\\+(\\d+)\\+(\\d+)\\.([A-Za-z0-9.]+)$");

    public CommittedFileName {
        if (partition < 0 || startOffset < 0 || endOffset < startOffset) {
            throw new IllegalArgumentException("not a valid file range: partition " + partition + ", offsets " + startOffset + ".." + endOffset);
        }
    }

    public static Optional<CommittedFileName> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        long start = Long.parseLong(m.group(3));
        long end = Long.parseLong(m.group(4));
        if (end < start) {
            return Optional.empty();
        }
        return Optional.of(new CommittedFileName(m.group(1), Integer.parseInt(m.group(2)), start, end, m.group(5)));
    }

    public String format() {
        return topic + "+" + partition + "+" + startOffset + "+" + endOffset + "." + extension;
    }

    /** The offset the next file of this partition starts at. */
    public long nextOffset() {
        return endOffset + 1;
    }

    /** How many offsets the file's range spans (records in it may be fewer: bad records went to the DLQ). */
    public long span() {
        return endOffset - startOffset + 1;
    }

    @Override
    public String toString() {
        return format();
    }
}
