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
}
