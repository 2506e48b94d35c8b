package io.datalakelab.nifi.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each check of {@link FlowChecker} fails when it should: a correct flow is broken in one place and the checker must
 * name exactly that. A checker that never fails would let every flow pass.
 */
class FlowCheckerTest {

    private static FlowChecker checker;
    private ObjectNode flow;

    @BeforeAll
    static void loadExtensions() throws IOException {
        checker = new FlowChecker(NiFiExtensions.forBuild());
    }

    @BeforeEach
    void loadCorrectFlow() throws IOException {
        flow = (ObjectNode) FlowDefinitions.tree(FlowDefinitions.named("kafka-to-hdfs.json"));
        assertThat(problems()).as("the unbroken flow").isEmpty();
    }

    private List<String> problems() throws IOException {
        return checker.check(FlowDefinitions.read(flow));
    }

    private ObjectNode processor(String name) {
        return named(flow.path("flowContents").path("processors"), name);
    }

    private ObjectNode service(String name) {
        return named(flow.path("flowContents").path("controllerServices"), name);
    }

    private static ObjectNode named(JsonNode components, String name) {
        for (JsonNode component : components) {
            if (component.path("name").asText().equals(name)) {
                return (ObjectNode) component;
            }
        }
        throw new AssertionError("no component named '" + name + "'");
    }

    private ObjectNode properties(String processor) {
        return (ObjectNode) processor(processor).path("properties");
    }

    private void removeConnection(String sourceName, String relationship) {
        ArrayNode connections = (ArrayNode) flow.path("flowContents").path("connections");
        for (Iterator<JsonNode> it = connections.elements(); it.hasNext(); ) {
            JsonNode c = it.next();
            if (c.path("source").path("name").asText().equals(sourceName)
                    && c.path("selectedRelationships").toString().contains("\"" + relationship + "\"")) {
                it.remove();
                return;
            }
        }
        throw new AssertionError("no connection from '" + sourceName + "' for " + relationship);
    }

    private ArrayNode parameters() {
        return (ArrayNode) flow.path("parameterContexts").path("Data Lake Lab - Kafka to HDFS").path("parameters");
    }

    @Test
    void aProcessorTypeNiFiDoesNotHaveIsReported() throws IOException {
        processor("Merge into files per topic and hour").put("type", "org.apache.nifi.processors.standard.MergeRecords");

        assertThat(problems()).containsExactly("processor 'Merge into files per topic and hour': type "
                + "org.apache.nifi.processors.standard.MergeRecords is not an extension of NiFi 2.6.0 (neither a class of the standard jars nor in nifi-2-catalogue.json)");
    }

    @Test
    void aBundleOfAnotherNiFiVersionIsReported() throws IOException {
        ((ObjectNode) processor("Write to HDFS").path("bundle")).put("version", "2.5.0");

        assertThat(problems()).containsExactly("processor 'Write to HDFS': bundle org.apache.nifi:nifi-hadoop-nar:2.5.0 should be "
                + "org.apache.nifi:nifi-hadoop-nar:2.6.0, the bundle of org.apache.nifi.processors.hadoop.PutHDFS");
    }

    @Test
    void theValidatorsBundleMustBeTheNarThisBuildMakes() throws IOException {
        ((ObjectNode) processor("Validate readings").path("bundle")).put("artifact", "nifi-templates");

        assertThat(problems()).singleElement().asString().startsWith("processor 'Validate readings': bundle io.datalakelab:nifi-templates:");
    }

    @Test
    void aMisspeltPropertyIsReportedWithTheNearestRealOne() throws IOException {
        ObjectNode properties = properties("Consume sensor readings");
        properties.set("Topic", properties.remove("Topics"));

        assertThat(problems()).containsExactlyInAnyOrder(
                "processor 'Consume sensor readings': 'Topic' is not a property of org.apache.nifi.kafka.processors.ConsumeKafka "
                        + "(did you mean 'Topics'?) (and it accepts no user-defined properties)",
                "processor 'Consume sensor readings': required property 'Topics' of org.apache.nifi.kafka.processors.ConsumeKafka is not set");
    }

    @Test
    void aUserDefinedPropertyOnAProcessorThatTakesNoneIsReported() throws IOException {
        properties("Merge into files per topic and hour").put("max.bin.cout", "32");

        assertThat(problems()).containsExactly("processor 'Merge into files per topic and hour': 'max.bin.cout' is not a property of "
                + "org.apache.nifi.processors.standard.MergeRecord (did you mean 'max.bin.count'?) (and it accepts no user-defined properties)");
    }

    @Test
    void expressionLanguageWhereTheProcessorDoesNotEvaluateItIsReported() throws IOException {
        properties("Consume sensor readings").put("Group ID", "#{kafka.group.id}-${hostname()}");

        assertThat(problems()).containsExactly("processor 'Consume sensor readings': property 'Group ID' holds Expression Language "
                + "(#{kafka.group.id}-${hostname()}) but org.apache.nifi.kafka.processors.ConsumeKafka does not evaluate it there; NiFi would use the text as it is");
    }

    @Test
    void aValueOutsideTheAllowableValuesIsReported() throws IOException {
        properties("Consume sensor readings").put("Processing Strategy", "DEMARCATED");

        assertThat(problems()).contains("processor 'Consume sensor readings': property 'Processing Strategy' is 'DEMARCATED', not one of [FLOW_FILE, DEMARCATOR, RECORD]");
    }

    @Test
    void aParameterWhoseValueIsNotAllowedIsReportedWithTheResolvedValue() throws IOException {
        for (JsonNode parameter : parameters()) {
            if (parameter.path("name").asText().equals("kafka.auto.offset.reset")) {
                ((ObjectNode) parameter).put("value", "smallest");
            }
        }

        assertThat(problems()).containsExactly("processor 'Consume sensor readings': property 'auto.offset.reset' is 'smallest', not one of [earliest, latest, none]");
    }

    @Test
    void ourOwnProcessorsAllowableValuesAreCheckedFromItsClass() throws IOException {
        properties("Validate readings").put("Reading Layout", "LINES");

        assertThat(problems()).contains("processor 'Validate readings': property 'Reading Layout' is 'LINES', not one of [SINGLE, DEMARCATED]");
    }

    @Test
    void aRelationshipLeftDanglingIsReported() throws IOException {
        removeConnection("Merge into files per topic and hour", "merged");

        assertThat(problems()).containsExactly("processor 'Merge into files per topic and hour': relationship 'merged' is neither connected "
                + "nor auto-terminated; NiFi keeps the processor invalid");
    }

    @Test
    void autoTerminatingARelationshipTheProcessorLacksIsReported() throws IOException {
        ((ArrayNode) processor("Write to HDFS").path("autoTerminatedRelationships")).removeAll().add("sucess");

        assertThat(problems()).containsExactlyInAnyOrder(
                "processor 'Write to HDFS': relationship 'success' is neither connected nor auto-terminated; NiFi keeps the processor invalid",
                "processor 'Write to HDFS': auto-terminates relationship 'sucess', which org.apache.nifi.processors.hadoop.PutHDFS does not have here (it has [failure, success])");
    }

    @Test
    void aRelationshipThatExistsOnlyWithARecordReaderIsExpectedOnceOneIsSet() throws IOException {
        String readerId = service("Sensor reading JSON reader").path("identifier").asText();
        properties("Consume sensor readings").put("Record Reader", readerId);

        assertThat(problems()).containsExactly("processor 'Consume sensor readings': relationship 'parse failure' is neither connected "
                + "nor auto-terminated; NiFi keeps the processor invalid");
    }

    @Test
    void aConnectionToAComponentNotInTheFlowIsReported() throws IOException {
        JsonNode connection = flow.path("flowContents").path("connections").get(0);
        ((ObjectNode) connection.path("destination")).put("id", "00000000-0000-0000-0000-000000000000");

        assertThat(problems()).anySatisfy(p -> assertThat(p).endsWith(
                "destination 00000000-0000-0000-0000-000000000000 is not a component of the group"));
    }

    @Test
    void anUndefinedParameterIsReported() throws IOException {
        properties("Write to HDFS").put("Directory", "#{hdfs.rot}/${hdfs.partition.dir}");

        assertThat(problems()).containsExactlyInAnyOrder(
                "processor 'Write to HDFS': property 'Directory' references parameter 'hdfs.rot', which parameter context 'Data Lake Lab - Kafka to HDFS' does not define",
                "parameter 'hdfs.root' of context 'Data Lake Lab - Kafka to HDFS' is defined but no property references it");
    }

    @Test
    void anUnusedParameterIsReported() throws IOException {
        parameters().addObject().put("name", "hdfs.replication").put("description", "").put("sensitive", false)
                .put("provided", false).put("value", "3");

        assertThat(problems()).containsExactly("parameter 'hdfs.replication' of context 'Data Lake Lab - Kafka to HDFS' is defined but no property references it");
    }

    @Test
    void aHostFixedInAPropertyIsReported() throws IOException {
        ((ObjectNode) service("Kafka brokers").path("properties")).put("bootstrap.servers", "broker-1.lab:9092");
        parameters().forEach(p -> {
            if (p.path("name").asText().equals("kafka.bootstrap.servers")) {
                ((ObjectNode) p).put("name", "kafka.bootstrap.servers.unused");
            }
        });

        assertThat(problems()).contains("controller service 'Kafka brokers': property 'bootstrap.servers' fixes a host in the flow ('broker-1.lab:9092'); take it from a parameter");
    }

    @Test
    void addressesAndUrisAreHostsToo() throws IOException {
        properties("Write to HDFS").put("Directory", "hdfs://namenode/#{hdfs.root}/${hdfs.partition.dir}");
        properties("Consume sensor readings").put("Group ID", "#{kafka.group.id}-10.0.0.12");

        assertThat(problems()).containsExactlyInAnyOrder(
                "processor 'Write to HDFS': property 'Directory' fixes a host in the flow ('hdfs://namenode'); take it from a parameter",
                "processor 'Consume sensor readings': property 'Group ID' fixes a host in the flow ('10.0.0.12'); take it from a parameter");
    }

    @Test
    void aServiceReferenceToTheWrongKindOfServiceIsReported() throws IOException {
        String readerId = service("Sensor reading JSON reader").path("identifier").asText();
        properties("Publish to <topic>.dlq").put("Kafka Connection Service", readerId);

        assertThat(problems()).containsExactly("processor 'Publish to <topic>.dlq': property 'Kafka Connection Service' needs a "
                + "org.apache.nifi.kafka.service.api.KafkaConnectionService but names 'Sensor reading JSON reader', a org.apache.nifi.json.JsonTreeReader");
    }

    @Test
    void aServiceReferenceToNoServiceIsReported() throws IOException {
        properties("Merge into files per topic and hour").put("record-writer", "0b8e0c8a-4f55-4b55-9a3e-000000000000");

        assertThat(problems()).containsExactly("processor 'Merge into files per topic and hour': property 'record-writer' names controller "
                + "service 0b8e0c8a-4f55-4b55-9a3e-000000000000, which is not in its group or an enclosing one");
    }

    @Test
    void aServicePropertyNotFlaggedAsOneIsReported() throws IOException {
        ((ObjectNode) processor("Consume sensor readings").path("propertyDescriptors").path("Kafka Connection Service"))
                .put("identifiesControllerService", false);

        assertThat(problems()).containsExactly("processor 'Consume sensor readings': propertyDescriptors says 'Kafka Connection Service' "
                + "does not identify a controller service, but it does");
    }

    @Test
    void aServiceMustDeclareTheApisItProvides() throws IOException {
        ((ArrayNode) service("Kafka brokers").path("controllerServiceApis")).removeAll();

        assertThat(problems()).containsExactly("controller service 'Kafka brokers': controllerServiceApis omits "
                + "org.apache.nifi.kafka.service.api.KafkaConnectionService, which processors find it by");
    }

    @Test
    void aSecretWrittenIntoTheFlowIsReported() throws IOException {
        ObjectNode kafka = (ObjectNode) service("Kafka brokers").path("properties");
        kafka.put("security.protocol", "SASL_PLAINTEXT").put("sasl.mechanism", "PLAIN").put("sasl.username", "nifi").put("sasl.password", "s3cret");

        assertThat(problems()).containsExactly("controller service 'Kafka brokers': sensitive property 'sasl.password' must be exactly one reference to a sensitive parameter");
    }

    @Test
    void propertiesRequiredOnlyUnderAnotherSettingAreRequiredThen() throws IOException {
        ((ObjectNode) service("Kafka brokers").path("properties")).put("security.protocol", "SASL_SSL").put("sasl.mechanism", "SCRAM-SHA-512");

        assertThat(problems()).containsExactlyInAnyOrder(
                "controller service 'Kafka brokers': required property 'sasl.username' of org.apache.nifi.kafka.service.Kafka3ConnectionService is not set",
                "controller service 'Kafka brokers': required property 'sasl.password' of org.apache.nifi.kafka.service.Kafka3ConnectionService is not set");
    }

    @Test
    void aFieldNiFisModelDoesNotHaveIsRefusedWhenReading() {
        ((ObjectNode) flow.path("flowContents").path("connections").get(0)).put("selectedRelationship", "success");

        assertThatThrownBy(() -> FlowDefinitions.read(flow)).isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("\"selectedRelationship\"");
    }
}
