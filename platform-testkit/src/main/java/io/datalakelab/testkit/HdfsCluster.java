package io.datalakelab.testkit;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS inside the test JVM (Hadoop's {@link MiniDFSCluster}): one NameNode and {@code n} DataNodes
 * on free ports of 127.0.0.1. {@link #start()} returns once the NameNode is out of safe mode and every
 * DataNode has registered.
 */
public final class HdfsCluster implements AutoCloseable {

    private int dataNodes = 1;
    private MiniDFSCluster cluster;
    private Path baseDir;

    public HdfsCluster withDataNodes(int count) {
        this.dataNodes = count;
        return this;
    }

    public HdfsCluster start() throws IOException {
        baseDir = Files.createTempDirectory("hdfs-cluster-");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
        conf.set(DFSConfigKeys.DFS_NAMENODE_RPC_BIND_HOST_KEY, "127.0.0.1");
        conf.set(DFSConfigKeys.DFS_NAMENODE_HTTP_BIND_HOST_KEY, "127.0.0.1");
        conf.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, Math.min(3, dataNodes));
        conf.setLong(DFSConfigKeys.DFS_BLOCK_SIZE_KEY, 8L * 1024 * 1024);
        cluster = new MiniDFSCluster.Builder(conf, baseDir.toFile())
                .numDataNodes(dataNodes)
                .nameNodePort(FreePorts.next())
                .nameNodeHttpPort(FreePorts.next())
                .build();
        cluster.waitActive();
        cluster.waitClusterUp();
        return this;
    }

    /** {@code hdfs://127.0.0.1:<port>}, what a client puts in {@code fs.defaultFS}. */
    public URI uri() {
        return URI.create("hdfs://127.0.0.1:" + cluster.getNameNodePort());
    }

    /** A client configuration pointing at this cluster. */
    public Configuration clientConfiguration() {
        Configuration conf = new Configuration(false);
        conf.set("fs.defaultFS", uri().toString());
        conf.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, Math.min(3, dataNodes));
        return conf;
    }

    public FileSystem fileSystem() throws IOException {
        return cluster.getFileSystem();
    }

    /** The Hadoop fixture itself, for tests that stop or restart NameNode and DataNodes. */
    public MiniDFSCluster miniCluster() {
        return cluster;
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
        if (baseDir != null) {
            Directories.deleteRecursively(baseDir);
        }
    }
}
