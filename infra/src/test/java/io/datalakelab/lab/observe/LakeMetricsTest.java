package io.datalakelab.lab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.lab.observe.LakeSnapshot.BrokerView;
import io.datalakelab.lab.observe.LakeSnapshot.CheckView;
import io.datalakelab.lab.observe.LakeSnapshot.ConsumerGroupView;
import io.datalakelab.lab.observe.LakeSnapshot.GroupPartitionView;
import io.datalakelab.lab.observe.LakeSnapshot.HdfsPartitionView;
import io.datalakelab.lab.observe.LakeSnapshot.HdfsTopicView;
import io.datalakelab.lab.observe.LakeSnapshot.HdfsView;
import io.datalakelab.lab.observe.LakeSnapshot.KafkaView;
import io.datalakelab.lab.observe.LakeSnapshot.LostRangeView;
import io.datalakelab.lab.observe.LakeSnapshot.PartitionView;
import io.datalakelab.lab.observe.LakeSnapshot.ServiceView;
import io.datalakelab.lab.observe.LakeSnapshot.ThroughputPoint;
import io.datalakelab.lab.observe.LakeSnapshot.TopicView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LakeMetricsTest {

    /** A lab with one of everything, a stopped sink lagging and records that expired before they landed. */
    static LakeSnapshot everything() throws Exception {
        long now = 1_800_000_000_000L;
        List<ThroughputPoint> history = List.of(new ThroughputPoint(now - 5000, 1000, 120_000), new ThroughputPoint(now, 2000, 240_000));
        TopicView readings = new TopicView("iot.sensor-readings", 1, 3, 604_800_000L, 1, 10_000, 1_200_000, 2000.0, 240_000.0, history,
                List.of(new PartitionView(0, 1, List.of(1, 2, 3), List.of(1, 2), true, 0, 10_000, 1_200_000)));
        GroupPartitionView lagging = new GroupPartitionView("iot.sensor-readings", 0, 4_000, 10_000, 6_000, 90_000L, 604_800_000L,
                90_000 / 604_800_000.0, RiskLevel.GREEN, false);
        GroupPartitionView expired = new GroupPartitionView("rdbms.lab.shop.orders", 0, 10, 500, 490, null, 3_600_000L, null, RiskLevel.RED, true);
        return new LakeSnapshot(now, 5000, true, List.of(),
                new KafkaView(true, null, "cluster", 1, List.of(new BrokerView(1, "localhost", 9092, true, "kafka-1", 100L, true),
                        new BrokerView(2, "localhost", 9093, false, "kafka-2", null, false)), List.of(readings)),
                List.of(new ConsumerGroupView("lab-hdfs-sink", "Empty", 0, 6_490, RiskLevel.RED, List.of(lagging, expired))),
                List.of(new LostRangeView("rdbms.lab.shop.orders", 0, 0, 9, 10)),
                new HdfsView(true, null, "/datalake/raw", 2, false, List.of(new HdfsTopicView("iot.sensor-readings", 3, 3000, now - 1000, 1,
                        List.of(new HdfsPartitionView("dt=2027-01-15/hr=08", 3, 3000, now - 1000, false))))),
                List.of(new ServiceView("hdfs-sink", "landing", 8081, "UP", 200L, Map.of("hdfs", new CheckView("UP", "fine")), Map.of(), null),
                        new ServiceView("speed-layer", "alerts", 8084, "NOT_RUNNING", null, Map.of(), Map.of(), null),
                        new ServiceView("flume-lake", "Kafka -> HDFS", 4153, "UP", 300L, Map.of(),
                                Map.of("events in", 10.0, "events out", 9.0, "channel fill %", 0.5), null)),
                new ObjectMapper().readTree("{\"finishedAtMs\": 1800000000000, \"passed\": true,"
                        + " \"report\": {\"audit\": {\"records\": 100000, \"lost\": 0, \"duplicated\": 0}}}"));
    }

    @Test
    void everyLabMetricRenderedIsInTheMetricsTableAndEveryRowOfTheDashboardIsRendered() throws Exception {
        PrometheusScrape scrape = PrometheusScrape.parse(LakeMetrics.render(everything()));
        Set<String> documented = documentedLabMetrics();
        assertThat(scrape.names()).isEqualTo(documented);
    }

    @Test
    void lagAgeRiskAndExpiryArePerGroupTopicAndPartition() throws Exception {
        String text = LakeMetrics.render(everything());
        assertThat(text)
                .contains("lab_kafka_consumer_lag{group=\"lab-hdfs-sink\",partition=\"0\",topic=\"iot.sensor-readings\"} 6000\n")
                .contains("lab_kafka_consumer_oldest_unconsumed_age_seconds{group=\"lab-hdfs-sink\",partition=\"0\",topic=\"iot.sensor-readings\"} 90\n")
                .contains("lab_kafka_consumer_retention_risk_ratio{group=\"lab-hdfs-sink\",partition=\"0\",topic=\"rdbms.lab.shop.orders\"} 1\n")
                .contains("lab_hdfs_lost_records{topic=\"rdbms.lab.shop.orders\"} 10\n")
                .contains("lab_kafka_broker_up{broker=\"2\"} 0\n")
                .contains("lab_service_up{service=\"hdfs-sink\"} 1\n")
                .doesNotContain("service=\"speed-layer\"") // not started: no series rather than a false alarm
                .contains("# TYPE lab_flume_events_in_total counter\n");
    }

    @Test
    void labelValuesAreEscapedAsTheTextFormatRequires() throws Exception {
        LakeSnapshot s = everything();
        LakeSnapshot odd = new LakeSnapshot(s.takenAtMs(), s.refreshMs(), s.healthy(), s.components(), s.kafka(), List.of(), List.of(),
                new HdfsView(true, null, "/datalake/raw", 1, false, List.of(new HdfsTopicView("a\"b\\c", 1, 1, null, 0, List.of()))),
                List.of(), null);
        PrometheusScrape scrape = PrometheusScrape.parse(LakeMetrics.render(odd));
        assertThat(scrape.samples()).anySatisfy(sample -> {
            assertThat(sample.name()).isEqualTo("lab_hdfs_files");
            assertThat(sample.labels()).containsEntry("topic", "a\"b\\c");
        });
    }

    @Test
    void riskTurnsAmberAtHalfTheRetentionAndRedAtFourFifths() {
        assertThat(RiskLevel.of(0.49)).isEqualTo(RiskLevel.GREEN);
        assertThat(RiskLevel.of(0.5)).isEqualTo(RiskLevel.AMBER);
        assertThat(RiskLevel.of(0.8)).isEqualTo(RiskLevel.RED);
        assertThat(RiskLevel.GREEN.worse(RiskLevel.AMBER).worse(RiskLevel.GREEN)).isEqualTo(RiskLevel.AMBER);
    }

    @Test
    void throughputIsTheGrowthSinceTheLastLookAndNeverNegative() {
        ThroughputHistory history = new ThroughputHistory(2);
        assertThat(history.sample("t", 0, 100, 1_000)).isNull();
        assertThat(history.sample("t", 2_000, 300, 3_000)).isEqualTo(new ThroughputPoint(2_000, 100, 1_000));
        // retention deleted a segment: the log shrank, bytes/s is 0 for that interval
        assertThat(history.sample("t", 4_000, 500, 500)).isEqualTo(new ThroughputPoint(4_000, 100, 0));
        assertThat(history.sample("t", 6_000, 500, 500)).isEqualTo(new ThroughputPoint(6_000, 0, 0));
        assertThat(history.history("t")).hasSize(2).first().extracting(ThroughputPoint::atMs).isEqualTo(4_000L);
        // the topic was deleted and created again: no rate until the next look
        assertThat(history.sample("t", 8_000, 10, 10)).isNull();
    }

    @Test
    void passwordsInFreeTextAreNotShown() {
        assertThat(Redaction.scrub("jdbc:mariadb://db:3306/shop?user=cdc&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:mariadb://db:3306/shop?user=cdc&password=***&ssl=true");
        assertThat(Redaction.scrub("database.password: hunter2, token=abc")).isEqualTo("database.password: ***, token=***");
        assertThat(Redaction.scrub("committed up to mysql-bin.000003:4567")).isEqualTo("committed up to mysql-bin.000003:4567");
    }

    /** The rows of docs/metrics.md whose service is the lab dashboard. */
    private static Set<String> documentedLabMetrics() throws Exception {
        Path table = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/metrics.md");
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\|\\s*`(lab_[a-z0-9_]+)`\\s*\\|[^|]*\\|[^|]*\\|\\s*lab dashboard\\s*\\|").matcher(Files.readString(table));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
