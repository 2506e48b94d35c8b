package io.datalakelab.flume;

import static io.datalakelab.flume.TopicRecords.readings;
import static io.datalakelab.flume.TopicRecords.sequencesByDevice;
import static io.datalakelab.testkit.TopicContents.header;
import static io.datalakelab.testkit.TopicContents.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import io.datalakelab.core.topic.TopicProvisioner;
import io.datalakelab.core.topic.TopicSpec;
import io.datalakelab.iot.fleet.SensorSimulator;
import io.datalakelab.iot.fleet.SimulationReport;
import io.datalakelab.iot.fleet.SimulatorConfig;
import io.datalakelab.iot.flume.FlumeOutput;
import io.datalakelab.testkit.Await;
import io.datalakelab.testkit.FlumeAgent;
import io.datalakelab.testkit.FreePorts;
import io.datalakelab.testkit.KafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's Flume output against two real collector agents (readings-collector.conf): Avro RPC in, file channel,
 * Kafka sink out to a Kafka 4.3 broker. The agents run kafka-clients 2.7 in their own JVMs.
 */
class CollectorAgentIT {

    private static KafkaCluster kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = new KafkaCluster().withBrokers(1).start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void readingsSpreadOverTwoAgentsReachKafkaOnceKeyedByDeviceAndStampedWithEventTime() throws Exception {
        String topic = "it.flume-collected";
        createTopics(topic);
        try (FlumeAgent first = collector(topic).start(); FlumeAgent second = collector(topic).start()) {
            SimulatorConfig config = simulator(topic, List.of(first, second), "records=6000", "devices=24", "producers=2",
                    "malformed.rate=0.01", "flume.batch.size=200");

            SimulationReport report = new SensorSimulator(config, null, new FlumeOutput(config.flume())).run();

            assertThat(report.readings()).isEqualTo(6000);
            assertThat(report.acknowledged()).isEqualTo(6000);
            assertThat(report.failed()).isZero();
            assertThat(report.malformed()).isPositive();
            List<ConsumerRecord<String, byte[]>> records = readUntil(kafka.bootstrapServers(), topic, r -> r.size() >= 6000, Duration.ofSeconds(90));
            assertThat(records).hasSize(6000);
            for (ConsumerRecord<String, byte[]> record : records) {
                SensorReading reading = SensorReadingCodec.decode(record.value());
                assertThat(record.key()).isEqualTo(reading.deviceId());
                assertThat(record.timestamp()).as("record timestamp = event time").isEqualTo(reading.eventTime());
            }
            assertEverySequenceOnce(readings(records), 24);

            List<ConsumerRecord<String, byte[]>> deadLetters = readUntil(kafka.bootstrapServers(), topic + ".dlq",
                    r -> r.size() >= report.malformed(), Duration.ofSeconds(30));
            assertThat(deadLetters).hasSize((int) report.malformed());
            assertThat(deadLetters).allSatisfy(r -> {
                assertThat(header(r, "dlq.reason")).isNotBlank();
                assertThat(header(r, "dlq.service")).isEqualTo("flume-agent");
            });

            // Round robin: both agents took batches, and their interceptors account for every record.
            long firstBatches = first.counter("SOURCE.avro", "AppendBatchAcceptedCount");
            long secondBatches = second.counter("SOURCE.avro", "AppendBatchAcceptedCount");
            assertThat(firstBatches).isPositive();
            assertThat(secondBatches).isPositive();
            String interceptor = "INTERCEPTOR.collector-readings";
            assertThat(first.counter(interceptor, "ReadingsValid") + second.counter(interceptor, "ReadingsValid")).isEqualTo(6000);
            assertThat(first.counter(interceptor, "ReadingsDeadLettered") + second.counter(interceptor, "ReadingsDeadLettered"))
                    .isEqualTo(report.malformed());
        }
    }

    @Test
    void anAgentKilledMidRunLosesNothingOnceItsFileChannelIsReplayed() throws Exception {
        String topic = "it.flume-failover";
        createTopics(topic);
        try (FlumeAgent first = collector(topic).start(); FlumeAgent second = collector(topic).start()) {
            SimulatorConfig config = simulator(topic, List.of(first, second), "records=12000", "devices=24", "producers=2",
                    "rate=1500", "flume.batch.size=100");
            CompletableFuture<SimulationReport> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return new SensorSimulator(config, null, new FlumeOutput(config.flume())).run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("3000 readings in Kafka", Duration.ofSeconds(60),
                    () -> first.counter("SINK.kafka", "EventDrainSuccessCount") + second.counter("SINK.kafka", "EventDrainSuccessCount") >= 3000);

            second.kill();
            SimulationReport report = run.get();
            assertThat(report.failed()).as("the surviving agent took every batch").isZero();
            assertThat(report.acknowledged()).isEqualTo(12000);
            // Whatever the killed agent had committed to its file channel but not yet to Kafka arrives after its restart.
            second.start();

            List<ConsumerRecord<String, byte[]>> records = readUntil(kafka.bootstrapServers(), topic,
                    r -> TopicRecords.distinct(readings(r)) >= 12000, Duration.ofSeconds(120));
            List<SensorReading> readings = readings(records);
            assertThat(TopicRecords.distinct(readings)).isEqualTo(12000);
            sequencesByDevice(readings).forEach((device, seqs) ->
                    assertThat(new TreeSet<>(seqs)).as(device).containsExactlyElementsOf(LongStream.rangeClosed(1, new TreeSet<>(seqs).size()).boxed().toList()));
            System.out.printf("failover: %d records for 12000 readings (%d duplicates from batches in flight at the kill)%n",
                    records.size(), records.size() - 12000);
        }
    }

    private static void assertEverySequenceOnce(List<SensorReading> readings, int devices) {
        var sequences = sequencesByDevice(readings);
        assertThat(sequences).hasSize(devices);
        sequences.forEach((device, seqs) -> {
            assertThat(seqs).as(device).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(seqs)).as(device).containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
        });
    }

    private static void createTopics(String topic) throws InterruptedException {
        TopicProvisioner.ensureFitted(kafka.bootstrapServers(), List.of(
                new TopicSpec(topic, 3, (short) 1, 1, TopicSpec.DEFAULT_RETENTION),
                new TopicSpec(topic + ".dlq", 1, (short) 1, 1, TopicSpec.DEFAULT_RETENTION)));
    }

    private static FlumeAgent collector(String topic) {
        return FlumeAgent.of("collector", "readings-collector.conf")
                .withEnv("FLUME_AVRO_PORT", Integer.toString(FreePorts.next()))
                .withEnv("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
                .withEnv("READINGS_TOPIC", topic)
                .withHeap("256m");
    }

    private static SimulatorConfig simulator(String topic, List<FlumeAgent> agents, String... overrides) {
        List<String> addresses = agents.stream().map(a -> "127.0.0.1:" + a.environment("FLUME_AVRO_PORT")).toList();
        List<String> all = new ArrayList<>(List.of("output=flume", "flume.agents=" + String.join(",", addresses), "topic=" + topic,
                "rate=max", "clock=simulated", "progress.interval=0s"));
        all.addAll(List.of(overrides));
        return SimulatorConfig.from(SimulatorConfig.SPEC.load(null, Map.of(), all));
    }
}
