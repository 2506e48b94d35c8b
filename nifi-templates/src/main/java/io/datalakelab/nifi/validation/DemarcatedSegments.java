package io.datalakelab.nifi.validation;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The segments of a stream between occurrences of a demarcator, read in one pass. Only the current segment is held in
 * memory, and only up to a limit: a longer segment is still delimited exactly (its offset and length are known, so its
 * original bytes can be cloned from the FlowFile) but its bytes are not kept.
 *
 * <p>A demarcator at the very end of the content closes the last segment and does not open an empty one, so a
 * JSON-lines file ending in a newline has as many segments as lines. An empty content is one empty segment: it is
 * something that arrived, and the caller must account for it.
 */
final class DemarcatedSegments {

    /**
     * One segment.
     *
     * @param index  its position among the content's segments, from 0
     * @param offset where it starts in the content, in bytes
     * @param length its length in bytes, without the demarcator
     * @param bytes  its bytes, or {@code null} when it is longer than the limit
     */
    record Segment(long index, long offset, long length, byte[] bytes) {

        boolean oversized() {
            return bytes == null;
        }
    }

    private final InputStream in;
    private final byte[] demarcator;
    private final int[] fallback;
    private final int maxSegmentBytes;
    private final byte[] chunk = new byte[64 * 1024];
    private int chunkPosition;
    private int chunkLength;
    private long position;
    private long nextIndex;
    private boolean exhausted;

    DemarcatedSegments(InputStream in, byte[] demarcator, int maxSegmentBytes) {
        if (demarcator.length == 0) {
            throw new IllegalArgumentException("the demarcator must not be empty");
        }
        this.in = in;
        this.demarcator = demarcator.clone();
        this.fallback = fallbackTable(this.demarcator);
        this.maxSegmentBytes = maxSegmentBytes;
    }

    /** The next segment, or {@code null} after the last. */
    Segment next() throws IOException {
        if (exhausted) {
            return null;
        }
        long start = position;
        // The demarcator's bytes are buffered too until the match completes, so a segment up to the limit fits whole.
        int cap = maxSegmentBytes + demarcator.length;
        byte[] buffer = new byte[Math.min(cap, 256)];
        int buffered = 0;
        boolean overflowed = false;
        int matched = 0;
        while (true) {
            if (chunkPosition == chunkLength && !fillChunk()) {
                exhausted = true;
                long length = position - start;
                if (length == 0 && nextIndex > 0) {
                    return null;
                }
                return segment(start, length, overflowed ? null : buffer);
            }
            byte b = chunk[chunkPosition++];
            position++;
            if (!overflowed) {
                if (buffered == cap) {
                    overflowed = true;
                } else {
                    if (buffered == buffer.length) {
                        buffer = Arrays.copyOf(buffer, (int) Math.min(cap, 2L * buffer.length));
                    }
                    buffer[buffered++] = b;
                }
            }
            matched = advance(matched, b);
            if (matched == demarcator.length) {
                long length = position - start - demarcator.length;
                return segment(start, length, overflowed ? null : buffer);
            }
        }
    }

    private Segment segment(long start, long length, byte[] buffer) {
        byte[] bytes = buffer == null || length > maxSegmentBytes ? null : Arrays.copyOf(buffer, (int) length);
        return new Segment(nextIndex++, start, length, bytes);
    }

    private boolean fillChunk() throws IOException {
        int read;
        do {
            read = in.read(chunk);
        } while (read == 0);
        if (read < 0) {
            return false;
        }
        chunkPosition = 0;
        chunkLength = read;
        return true;
    }

    /** Knuth-Morris-Pratt: a demarcator such as "\r\n\r\n" is still found after a false start. */
    private int advance(int matched, byte b) {
        while (matched > 0 && demarcator[matched] != b) {
            matched = fallback[matched - 1];
        }
        return demarcator[matched] == b ? matched + 1 : matched;
    }

    private static int[] fallbackTable(byte[] pattern) {
        int[] table = new int[pattern.length];
        int k = 0;
        for (int i = 1; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = table[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            table[i] = k;
        }
        return table;
    }
}
