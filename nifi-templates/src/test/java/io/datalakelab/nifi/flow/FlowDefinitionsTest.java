package io.datalakelab.nifi.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.schema.Schemas;
import io.datalakelab.core.topic.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.nifi.flow.VersionedControllerService;
import org.apache.nifi.flow.VersionedParameter;
import org.apache.nifi.flow.VersionedProcessor;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The flows under {@code flows/}: well-formed, valid for NiFi 2.6.0 as far as can be known without one, and true to the platform's contracts. */
class FlowDefinitionsTest {

    private static FlowChecker checker;

    @BeforeAll
    static void loadExtensions() throws IOException {
        checker = new FlowChecker(NiFiExtensions.forBuild());
    }

    static List<Path> flows() throws IOException {
        return FlowDefinitions.all();
    }

    @Test
    void theModuleShipsItsThreeFlows() throws IOException {
        assertThat(flows()).extracting(p -> p.getFileName().toString())
                .containsExactly("http-to-kafka.json", "kafka-to-hdfs.json", "mqtt-to-kafka.json");
    }

    @ParameterizedTest
    @MethodSource("flows")
    void isAFlowDefinitionNiFiCanUpload(Path flow) throws IOException {
        RegisteredFlowSnapshot snapshot = FlowDefinitions.read(flow);

        assertThat(snapshot.getFlowEncodingVersion()).isEqualTo("1.0");
        assertThat(snapshot.getFlowContents().getProcessors()).isNotEmpty();
        assertThat(snapshot.getParameterContexts()).containsKey(snapshot.getFlowContents().getParameterContextName());
        assertThat(snapshot.getParameterProviders()).isEmpty();
        assertThat(snapshot.getExternalControllerServices()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("flows")
    void passesEveryStructuralCheck(Path flow) throws IOException {
        assertThat(checker.check(FlowDefinitions.read(flow))).isEmpty();
    }

    @Test
    void kafkaToHdfsLandsInTheLakesHiveLayoutUnderItsOwnRoot() throws IOException {
        RegisteredFlowSnapshot flow = FlowDefinitions.read(FlowDefinitions.named("kafka-to-hdfs.json"));
        Map<String, String> parameters = parameters(flow);

        assertThat(parameters.get("hdfs.root")).isEqualTo("/datalake/raw-nifi");
        assertThat(parameters.get("kafka.topics")).isEqualTo(Topics.SENSOR_READINGS);
        assertThat(parameters.get("partition.time.zone")).isEqualTo("UTC");
        assertThat(processor(flow, "Write to HDFS").getProperties().get("Directory")).isEqualTo("#{hdfs.root}/${hdfs.partition.dir}");
        assertThat(processor(flow, "Partition directory").getProperties().get("hdfs.partition.dir")).isEqualTo("${kafka.topic}/${reading.partition}");
        assertThat(processor(flow, "Name the file nifi-<uuid>.jsonl").getProperties().get("filename")).isEqualTo("nifi-${uuid}.jsonl");
        // ConsumeKafka and the validator must split batches at the same bytes, or records and offsets part ways.
        assertThat(processor(flow, "Consume sensor readings").getProperties().get("Message Demarcator")).isEqualTo("#{reading.demarcator}");
        assertThat(processor(flow, "Validate readings").getProperties().get("Reading Demarcator")).isEqualTo("#{reading.demarcator}");
        assertThat(processor(flow, "Publish to <topic>.dlq").getProperties().get("Topic Name")).isEqualTo("${kafka.topic}" + Topics.DLQ_SUFFIX);
    }

    @Test
    void kafkaToHdfsReadsTheReadingsWithPlatformCoresSchema() throws IOException {
        RegisteredFlowSnapshot flow = FlowDefinitions.read(FlowDefinitions.named("kafka-to-hdfs.json"));
        VersionedControllerService reader = flow.getFlowContents().getControllerServices().stream()
                .filter(s -> s.getType().equals("org.apache.nifi.json.JsonTreeReader")).findFirst().orElseThrow();

        Schema inFlow = new Schema.Parser().parse(reader.getProperties().get("schema-text"));

        assertThat(inFlow).isEqualTo(Schemas.sensorReading());
    }

    @Test
    void httpAndMqttFlowsKeyReadingsByDeviceAndDeadLetterToTheTopicsDlq() throws IOException {
        for (String file : List.of("http-to-kafka.json", "mqtt-to-kafka.json")) {
            RegisteredFlowSnapshot flow = FlowDefinitions.read(FlowDefinitions.named(file));
            assertThat(parameters(flow).get("kafka.topic")).as(file).isEqualTo(Topics.SENSOR_READINGS);
            VersionedProcessor publish = processor(flow, "Publish to the readings topic");
            assertThat(publish.getProperties()).as(file).containsEntry("Topic Name", "#{kafka.topic}").containsEntry("Kafka Key", "${reading.device.id}")
                    .containsEntry("acks", "all");
            assertThat(processor(flow, "Publish to <topic>.dlq").getProperties()).as(file)
                    .containsEntry("Topic Name", "#{kafka.topic}" + Topics.DLQ_SUFFIX)
                    .containsEntry("FlowFile Attribute Header Pattern", "dlq\\..*");
            assertThat(processor(flow, "Dead-letter headers").getProperties()).as(file).containsEntry("dlq.reason", "${validation.reason}");
        }
    }

    private static Map<String, String> parameters(RegisteredFlowSnapshot flow) {
        return flow.getParameterContexts().get(flow.getFlowContents().getParameterContextName()).getParameters().stream()
                .collect(Collectors.toMap(VersionedParameter::getName, VersionedParameter::getValue));
    }

    private static VersionedProcessor processor(RegisteredFlowSnapshot flow, String name) {
        return flow.getFlowContents().getProcessors().stream().filter(p -> p.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no processor named '" + name + "'"));
    }
}
