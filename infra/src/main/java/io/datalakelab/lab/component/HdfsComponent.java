package io.datalakelab.lab.component;

import io.datalakelab.lab.LabConfig;
import io.datalakelab.lab.process.JavaCommand;
import io.datalakelab.lab.process.LabState;
import io.datalakelab.lab.process.ManagedProcess;
import io.datalakelab.lab.process.Ports;
import io.datalakelab.lab.process.Readiness;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.DatanodeInfo;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.hdfs.server.namenode.NameNode;

/** HDFS as Hadoop's own daemons: one NameNode and 1-3 DataNode processes, each with its own conf directory. */
public final class HdfsComponent implements LabComponent {

    private static final String NAMENODE_MAIN = "org.apache.hadoop.hdfs.server.namenode.NameNode";
    private static final String DATANODE_MAIN = "org.apache.hadoop.hdfs.server.datanode.DataNode";

    private final LabConfig config;
    private final LabState state;
    private final ManagedProcess nameNode;
    private final List<ManagedProcess> dataNodes = new ArrayList<>();

    public HdfsComponent(LabConfig config, LabState state) {
        this.config = config;
        this.state = state;
        this.nameNode = new ManagedProcess(state, "hdfs-namenode");
        for (int i = 1; i <= config.dataNodes(); i++) {
            dataNodes.add(new ManagedProcess(state, "hdfs-datanode-" + i));
        }
    }

    @Override
    public String name() {
        return "hdfs";
    }

    @Override
    public List<ManagedProcess> processes() {
        List<ManagedProcess> all = new ArrayList<>(List.of(nameNode));
        all.addAll(dataNodes);
        return all;
    }

    @Override
    public String endpoint() {
        return "HDFS " + config.hdfsUri() + " (web UI http://localhost:" + config.nameNodeHttpPort() + ", "
                + config.dataNodes() + " DataNode" + (config.dataNodes() > 1 ? "s" : "") + ")";
    }

    /** Replication the lab's files get: at most the number of DataNodes. */
    public int replication() {
        return Math.min(3, config.dataNodes());
    }

    @Override
    public void start() throws Exception {
        Path home = state.dir("hdfs").toAbsolutePath();
        Path nameDir = home.resolve("namenode");
        Path nameConf = writeConf(home.resolve("conf/namenode"), nodeSettings(Map.of(
                // The edits too: left unset, formatting (which reads no defaults) would also format /tmp/hadoop/dfs/name.
                "dfs.namenode.name.dir", nameDir.toUri().toString(), "dfs.namenode.edits.dir", nameDir.toUri().toString())));
        if (!Files.exists(nameDir.resolve("current/VERSION"))) {
            Configuration format = new Configuration(false);
            format.addResource(new org.apache.hadoop.fs.Path(nameConf.resolve("core-site.xml").toUri()));
            format.addResource(new org.apache.hadoop.fs.Path(nameConf.resolve("hdfs-site.xml").toUri()));
            NameNode.format(format);
        }
        if (nameNode.running().isEmpty()) {
            Ports.requireFree(config.nameNodeRpcPort(), "HDFS NameNode RPC");
            Ports.requireFree(config.nameNodeHttpPort(), "HDFS NameNode web UI");
            nameNode.start(JavaCommand.of(config.hdfsHeap(), Optional.of(JavaCommand.classDataArchive(state, nameNode.name())),
                    NAMENODE_MAIN, confArguments(nameConf)), home);
        }
        for (int i = 1; i <= config.dataNodes(); i++) {
            ManagedProcess dataNode = dataNodes.get(i - 1);
            if (dataNode.running().isPresent()) {
                continue;
            }
            int base = (i - 1) * 3;
            int dataPort = config.dataNodePorts().get(base);
            int httpPort = config.dataNodePorts().get(base + 1);
            int ipcPort = config.dataNodePorts().get(base + 2);
            Ports.requireFree(dataPort, "HDFS DataNode " + i + " data transfer");
            Ports.requireFree(httpPort, "HDFS DataNode " + i + " HTTP");
            Ports.requireFree(ipcPort, "HDFS DataNode " + i + " IPC");
            Path conf = writeConf(home.resolve("conf/datanode-" + i), nodeSettings(Map.of(
                    "dfs.datanode.data.dir", home.resolve("datanode-" + i).toUri().toString(),
                    "dfs.datanode.address", "127.0.0.1:" + dataPort,
                    "dfs.datanode.http.address", "127.0.0.1:" + httpPort,
                    "dfs.datanode.ipc.address", "127.0.0.1:" + ipcPort)));
            dataNode.start(JavaCommand.of(config.hdfsHeap(), Optional.of(JavaCommand.classDataArchive(state, dataNode.name())),
                    DATANODE_MAIN, confArguments(conf)), home);
        }
    }

    /**
     * Hadoop's generic {@code -conf} options rather than a conf directory on the classpath: every lab JVM then
     * has the same plain-jar classpath, which class-data archives require.
     */
    private static List<String> confArguments(Path confDir) {
        return List.of("-conf", confDir.resolve("core-site.xml").toString(), "-conf", confDir.resolve("hdfs-site.xml").toString());
    }

    private Map<String, String> nodeSettings(Map<String, String> own) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("fs.defaultFS", config.hdfsUri());
        s.put("hadoop.tmp.dir", state.dir("hdfs").toAbsolutePath().resolve("tmp").toString());
        s.put("dfs.namenode.rpc-address", "127.0.0.1:" + config.nameNodeRpcPort());
        s.put("dfs.namenode.http-address", "127.0.0.1:" + config.nameNodeHttpPort());
        s.put("dfs.replication", Integer.toString(replication()));
        s.put("dfs.permissions.enabled", "false");
        // A lab restarts often: leave safe mode as soon as the blocks are reported, not 30 s later.
        s.put("dfs.namenode.safemode.extension", "0");
        s.put("dfs.namenode.datanode.registration.ip-hostname-check", "false");
        s.put("dfs.heartbeat.interval", "1");
        s.put("dfs.namenode.handler.count", "5");
        s.put("dfs.datanode.handler.count", "3");
        s.put("dfs.blocksize", "32m");
        s.putAll(own);
        return s;
    }

    private static Path writeConf(Path dir, Map<String, String> settings) throws IOException {
        Files.createDirectories(dir);
        Configuration core = new Configuration(false);
        Configuration hdfs = new Configuration(false);
        settings.forEach((k, v) -> {
            if (k.startsWith("fs.") || k.startsWith("hadoop.")) {
                core.set(k, v);
            } else {
                hdfs.set(k, v);
            }
        });
        try (OutputStream out = Files.newOutputStream(dir.resolve("core-site.xml"))) {
            core.writeXml(out);
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("hdfs-site.xml"))) {
            hdfs.writeXml(out);
        }
        return dir;
    }

    public DistributedFileSystem client() throws IOException {
        Configuration conf = new Configuration();
        conf.set("fs.defaultFS", config.hdfsUri());
        conf.setInt("ipc.client.connect.max.retries", 0);
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
        return (DistributedFileSystem) FileSystem.newInstance(URI.create(config.hdfsUri()), conf);
    }

    @Override
    public void awaitReady(Instant deadline) throws Exception {
        Readiness.await("the NameNode out of safe mode with " + config.dataNodes() + " live DataNodes", deadline, processes(), () -> {
            try (DistributedFileSystem fs = client()) {
                return fs.getDataNodeStats(HdfsConstants.DatanodeReportType.LIVE).length == config.dataNodes()
                        && !fs.isInSafeMode();
            }
        });
    }

    @Override
    public ComponentStatus status() {
        List<ComponentStatus.ProcessStatus> processes = new ArrayList<>();
        Long nnPid = nameNode.running().map(ProcessHandle::pid).orElse(null);
        processes.add(new ComponentStatus.ProcessStatus(nameNode.name(), nnPid, config.nameNodeRpcPort(),
                nnPid != null && Ports.isListening(config.nameNodeRpcPort())));
        for (int i = 0; i < dataNodes.size(); i++) {
            Long pid = dataNodes.get(i).running().map(ProcessHandle::pid).orElse(null);
            int port = config.dataNodePorts().get(i * 3);
            processes.add(new ComponentStatus.ProcessStatus(dataNodes.get(i).name(), pid, port, pid != null && Ports.isListening(port)));
        }
        if (!processes.get(0).alive()) {
            return new ComponentStatus(name(), processes, false, "NameNode not running", List.of());
        }
        try (DistributedFileSystem fs = client()) {
            DatanodeInfo[] live = fs.getDataNodeStats(HdfsConstants.DatanodeReportType.LIVE);
            boolean safeMode = fs.isInSafeMode();
            List<Map<String, Object>> detail = new ArrayList<>();
            org.apache.hadoop.fs.Path lake = new org.apache.hadoop.fs.Path("/datalake/raw");
            if (fs.exists(lake)) {
                for (org.apache.hadoop.fs.FileStatus topic : fs.listStatus(lake)) {
                    ContentSummary summary = fs.getContentSummary(topic.getPath());
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("path", topic.getPath().toUri().getPath());
                    row.put("files", summary.getFileCount());
                    row.put("bytes", summary.getLength());
                    detail.add(row);
                }
            }
            return new ComponentStatus(name(), processes, live.length == config.dataNodes() && !safeMode,
                    live.length + "/" + config.dataNodes() + " DataNodes live" + (safeMode ? ", in safe mode" : ""), detail);
        } catch (Exception e) {
            return new ComponentStatus(name(), processes, false, "not answering: " + e.getMessage(), List.of());
        }
    }
}
