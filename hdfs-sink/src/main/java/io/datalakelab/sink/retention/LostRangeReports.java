package io.datalakelab.sink.retention;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datalakelab.sink.layout.CommittedFileName;
import io.datalakelab.sink.layout.LakeLayout;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@code _LOST} reports of a topic in HDFS: one small JSON file per range of offsets that expired before
 * the sink landed them, written where the data would have been, so the lake itself says what it is missing.
 */
public final class LostRangeReports {

    public static final String DIRECTORY = "_LOST";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final LakeLayout layout;

    public LostRangeReports(FileSystem fs, LakeLayout layout) {
        this.fs = fs;
        this.layout = layout;
    }

    private Path directory(String topic) {
        return new Path(layout.topicDir(topic), DIRECTORY);
    }

    /** Writes (or rewrites, after a crash) the report of {@code range}. */
    public Path write(LostRange range, String reason) throws IOException {
        ObjectNode report = JSON.createObjectNode();
        report.put("topic", range.topic());
        report.put("partition", range.partition());
        report.put("fromOffset", range.fromOffset());
        report.put("toOffset", range.toOffset());
        report.put("records", range.count());
        report.put("detectedAt", Instant.now().toString());
        report.put("reason", reason);
        Path file = new Path(directory(range.topic()), range.fileName());
        io.datalakelab.sink.write.SyncedFiles.write(fs, file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report), true);
        return file;
    }

    /** Every reported range of {@code topic}. */
    public List<LostRange> read(String topic) throws IOException {
        List<LostRange> out = new ArrayList<>();
        FileStatus[] files;
        try {
            files = fs.listStatus(directory(topic));
        } catch (FileNotFoundException e) {
            return out;
        }
        for (FileStatus file : files) {
            CommittedFileName.parse(file.getPath().getName())
                    .filter(name -> name.topic().equals(topic))
                    .ifPresent(name -> out.add(new LostRange(topic, name.partition(), name.startOffset(), name.endOffset())));
        }
        return out;
    }
}
