package io.datalakelab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class FixturesIT {

    @Test
    void threeBrokerClusterReplicatesAndServesRecords() throws Exception {
        try (KafkaCluster kafka = new KafkaCluster().withBrokers(3).start(); Admin admin = kafka.admin()) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(3);
            admin.createTopics(List.of(new NewTopic("fixture", 3, (short) 3))).all().get();

            Properties producerProps = new Properties();
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("fixture", "k" + i, "v" + i)).get();
                }
            }
            assertThat(admin.describeTopics(List.of("fixture")).allTopicNames().get().get("fixture").partitions())
                    .allSatisfy(p -> assertThat(p.isr()).hasSize(3));

            Properties consumerProps = new Properties();
            consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "fixture-test");
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("fixture"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (values.size() < 100 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        values.add(r.value());
                    }
                }
            }
            assertThat(values).hasSize(100).doesNotHaveDuplicates();
        }
    }

    @Test
    void hdfsStoresAndReturnsFileContents() throws Exception {
        try (HdfsCluster hdfs = new HdfsCluster().withDataNodes(2).start()) {
            FileSystem fs = FileSystem.get(hdfs.uri(), hdfs.clientConfiguration());
            Path file = new Path("/fixture/hello.txt");
            try (FSDataOutputStream out = fs.create(file)) {
                out.write("hello hdfs".getBytes(StandardCharsets.UTF_8));
            }
            try (FSDataInputStream in = fs.open(file)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello hdfs");
            }
            assertThat(fs.getFileStatus(file).getReplication()).isEqualTo((short) 2);
        }
    }

    @Test
    void mariaDbRunsWithRowBinlog() throws Exception {
        try (Database db = new Database().start(); Connection c = db.connect("")) {
            Map<String, String> vars = new java.util.HashMap<>();
            try (ResultSet rs = c.createStatement().executeQuery("SHOW VARIABLES WHERE Variable_name IN ('log_bin','binlog_format','binlog_row_image')")) {
                while (rs.next()) {
                    vars.put(rs.getString(1), rs.getString(2));
                }
            }
            assertThat(vars).containsEntry("log_bin", "ON").containsEntry("binlog_format", "ROW").containsEntry("binlog_row_image", "FULL");
        }
    }

    @Test
    void mySqlRunsWithRowBinlogAndGtidsAndKeepsItsDataOverARestart() throws Exception {
        try (MySqlServer mysql = new MySqlServer().withGtid(true).withServerId(7).withRootPassword("Root-pass-1").start()) {
            assertThat(mysql.version()).startsWith("8.0.");
            assertThat(mysql.port()).isNotEqualTo(3306);
            assertThat(variables(mysql)).containsEntry("log_bin", "ON").containsEntry("binlog_format", "ROW")
                    .containsEntry("binlog_row_image", "FULL").containsEntry("binlog_row_metadata", "FULL")
                    .containsEntry("gtid_mode", "ON").containsEntry("enforce_gtid_consistency", "ON").containsEntry("server_id", "7");
            try (Connection c = mysql.connect(""); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT plugin FROM mysql.user WHERE user = 'root' AND host = '127.0.0.1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("caching_sha2_password");
            }
            mysql.execute("CREATE DATABASE kept", "CREATE TABLE kept.t (id INT PRIMARY KEY)", "INSERT INTO kept.t VALUES (1), (2)");
            int port = mysql.port();
            mysql.restart();
            assertThat(mysql.port()).isEqualTo(port);
            try (Connection c = mysql.connect("kept"); ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    @Test
    void mySqlRunsWithoutGtidsUnlessAsked() throws Exception {
        try (MySqlServer mysql = new MySqlServer().start()) {
            assertThat(variables(mysql)).containsEntry("log_bin", "ON").containsEntry("binlog_format", "ROW").containsEntry("gtid_mode", "OFF");
        }
    }

    private static Map<String, String> variables(BinlogDatabase database) throws Exception {
        Map<String, String> vars = new java.util.HashMap<>();
        try (Connection c = database.connect(""); ResultSet rs = c.createStatement().executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN "
                + "('log_bin', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata', 'gtid_mode', 'enforce_gtid_consistency', 'server_id')")) {
            while (rs.next()) {
                vars.put(rs.getString(1), rs.getString(2));
            }
        }
        return vars;
    }
}
