package io.datalakelab.sink;

import io.datalakelab.core.topic.Topics;
import io.datalakelab.sink.layout.LakeLayout;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Option;

/** Where a landed topic is, for the commands that read the lake (mixed in with {@code @Mixin}). */
public final class LakeOptions {

    @Option(names = "--hdfs-uri", defaultValue = "hdfs://127.0.0.1:8020", description = "NameNode (default: ${DEFAULT-VALUE}).")
    String hdfsUri;

    @Option(names = "--root", defaultValue = "/datalake/raw", description = "Lake root (default: ${DEFAULT-VALUE}).")
    String root;

    @Option(names = "--topic", defaultValue = Topics.SENSOR_READINGS, description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    public String topic() {
        return topic;
    }

    public LakeLayout layout() {
        return new LakeLayout(new Path(root));
    }

    /** The topic's directory as a full URI, e.g. for a Hive LOCATION. */
    public String topicLocation() {
        return hdfsUri + layout().topicDir(topic).toUri().getPath();
    }

    public FileSystem openFileSystem() throws IOException {
        Configuration conf = new Configuration();
        conf.set("fs.defaultFS", hdfsUri);
        return FileSystem.newInstance(URI.create(hdfsUri), conf);
    }
}
