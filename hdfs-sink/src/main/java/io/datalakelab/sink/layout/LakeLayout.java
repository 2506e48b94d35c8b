package io.datalakelab.sink.layout;

import org.apache.hadoop.fs.Path;

/**
 * Where things live in HDFS: {@code <root>/<topic>/<partition dirs>/<committed file>} for data, and
 * {@code <root>/<topic>/_temporary/<kafka partition>/} for files still being written. Hive and Spark skip
 * directories whose names start with {@code _}, so readers never see unfinished files.
 */
public record LakeLayout(Path root) {

    public static final String TEMPORARY_DIR = "_temporary";

    public Path topicDir(String topic) {
        return new Path(root, topic);
    }

    public Path temporaryDir(String topic, int partition) {
        return new Path(new Path(topicDir(topic), TEMPORARY_DIR), Integer.toString(partition));
    }

    public Path committedFile(String partitionDirs, CommittedFileName name) {
        return new Path(new Path(topicDir(name.topic()), partitionDirs), name.format());
    }

    /** True for paths inside a {@code _temporary} (or other {@code _}/{@code .}-hidden) directory below the topic. */
    public static boolean isHidden(Path path, Path topicDir) {
        String relative = path.toUri().getPath().substring(topicDir.toUri().getPath().length());
        for (String part : relative.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
