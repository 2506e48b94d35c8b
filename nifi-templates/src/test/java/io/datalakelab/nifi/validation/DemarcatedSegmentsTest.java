package io.datalakelab.nifi.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemarcatedSegmentsTest {

    private static List<DemarcatedSegments.Segment> split(String content, String demarcator, int maxBytes) throws IOException {
        return split(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), demarcator, maxBytes);
    }

    private static List<DemarcatedSegments.Segment> split(InputStream in, String demarcator, int maxBytes) throws IOException {
        DemarcatedSegments segments = new DemarcatedSegments(in, demarcator.getBytes(StandardCharsets.UTF_8), maxBytes);
        List<DemarcatedSegments.Segment> out = new ArrayList<>();
        DemarcatedSegments.Segment segment;
        while ((segment = segments.next()) != null) {
            out.add(segment);
        }
        return out;
    }

    private static List<String> texts(List<DemarcatedSegments.Segment> segments) {
        return segments.stream().map(s -> s.oversized() ? null : new String(s.bytes(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void linesAreSegmentsWithTheirOffsets() throws IOException {
        List<DemarcatedSegments.Segment> segments = split("ab\ncde\n\nf", "\n", 100);

        assertThat(texts(segments)).containsExactly("ab", "cde", "", "f");
        assertThat(segments).extracting(DemarcatedSegments.Segment::offset).containsExactly(0L, 3L, 7L, 8L);
        assertThat(segments).extracting(DemarcatedSegments.Segment::index).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void aTrailingDemarcatorClosesTheLastSegment() throws IOException {
        assertThat(texts(split("ab\ncd\n", "\n", 100))).containsExactly("ab", "cd");
        assertThat(texts(split("ab\n\n", "\n", 100))).containsExactly("ab", "");
    }

    @Test
    void emptyContentIsOneEmptySegment() throws IOException {
        assertThat(texts(split("", "\n", 100))).containsExactly("");
        assertThat(texts(split("\n", "\n", 100))).containsExactly("");
    }

    @Test
    void aDemarcatorIsFoundAfterAFalseStart() throws IOException {
        // "aab" inside "aaab": a naive matcher restarting after the mismatch at the third 'a' would miss it.
        assertThat(texts(split("xaaabyaab", "aab", 100))).containsExactly("xa", "y");
        assertThat(texts(split("r1\r\n\r\r\n\r\nr2", "\r\n\r\n", 100))).containsExactly("r1\r\n\r", "r2");
    }

    @Test
    void aSegmentOverTheLimitIsDelimitedButNotKept() throws IOException {
        List<DemarcatedSegments.Segment> segments = split("12345\n123456\n1234567", "\n", 6);

        assertThat(texts(segments)).containsExactly("12345", "123456", null);
        assertThat(segments.get(2).offset()).isEqualTo(13);
        assertThat(segments.get(2).length()).isEqualTo(7);
    }

    @Test
    void segmentsSpanningReadsAndChunksAreWhole() throws IOException {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            content.append("reading-").append(i).append("\r\n");
        }
        byte[] bytes = content.toString().getBytes(StandardCharsets.UTF_8);
        // A stream that hands out at most 7 bytes per read, as network streams may.
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        };

        List<String> texts = texts(split(trickle, "\r\n", 64));

        assertThat(texts).hasSize(20_000);
        assertThat(texts.get(0)).isEqualTo("reading-0");
        assertThat(texts.get(19_999)).isEqualTo("reading-19999");
    }
}
