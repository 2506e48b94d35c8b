package io.datalakelab.nifi.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.util.Map;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * The validation and Kafka-addressing steps of {@code http-to-kafka.json} and {@code mqtt-to-kafka.json}, run as the
 * definitions configure them: the key and topic each reading would get, the headers of its dead letter, and the HTTP
 * answer a device would read.
 */
class DeviceIngressFlowsTest {

    private static final SensorReading READING = new SensorReading("thermo-0042", "thermometer", "plant-a",
            1_795_000_000_000L, 12, Map.of("temperature", 21.5));

    private static FlowComponents flow(String file) throws Exception {
        return new FlowComponents(FlowDefinitions.read(FlowDefinitions.named(file)), Map.of());
    }

    @Test
    void anHttpReadingIsPublishedUnchangedKeyedByItsDevice() throws Exception {
        FlowComponents http = flow("http-to-kafka.json");
        TestRunner validate = http.runner("Validate reading");
        byte[] avro = SensorReadingCodec.toAvroSingleObject(READING);
        validate.enqueue(avro, Map.of("http.request.uri", "/readings"));
        validate.run();

        MockFlowFile valid = validate.getFlowFilesForRelationship("valid").get(0);
        valid.assertContentEquals(avro);
        assertThat(http.evaluate("Publish to the readings topic", "Kafka Key", valid.getAttributes())).isEqualTo("thermo-0042");
        assertThat(http.evaluate("Publish to the readings topic", "Topic Name", valid.getAttributes())).isEqualTo("iot.sensor-readings");
        assertThat(http.evaluate("Respond 202 Accepted", "HTTP Status Code", valid.getAttributes())).isEqualTo("202");
    }

    @Test
    void anInvalidHttpReadingIsDeadLetteredAndAnswered400WithTheReason() throws Exception {
        FlowComponents http = flow("http-to-kafka.json");
        TestRunner validate = http.runner("Validate reading");
        validate.enqueue("{\"deviceId\":\"thermo-0042\",\"values\":{}}", Map.of("http.request.uri", "/readings"));
        validate.run();
        TestRunner headers = http.runner("Dead-letter headers");
        headers.enqueue(validate.getFlowFilesForRelationship("invalid").get(0));
        headers.run();

        MockFlowFile deadLetter = headers.getFlowFilesForRelationship("success").get(0);
        deadLetter.assertAttributeEquals("dlq.reason", "field 'deviceType' is missing or not a string");
        deadLetter.assertAttributeEquals("dlq.source", "/readings");
        deadLetter.assertAttributeEquals("dlq.service", "nifi-http-to-kafka");
        assertThat(http.evaluate("Publish to <topic>.dlq", "Topic Name", deadLetter.getAttributes())).isEqualTo("iot.sensor-readings.dlq");
        assertThat(http.evaluate("Respond 400 Bad Request", "X-Validation-Reason", deadLetter.getAttributes()))
                .isEqualTo("field 'deviceType' is missing or not a string");
    }

    @Test
    void anMqttReadingIsKeyedByItsDeviceAndABadOneByItsTopicsLastLevel() throws Exception {
        FlowComponents mqtt = flow("mqtt-to-kafka.json");
        TestRunner validate = mqtt.runner("Validate reading");
        validate.enqueue(SensorReadingCodec.toJson(READING), Map.of("mqtt.topic", "datalakelab/readings/plant-a/thermo-0042"));
        validate.enqueue("garbage", Map.of("mqtt.topic", "datalakelab/readings/plant-a/thermo-0043"));
        validate.run(2);

        MockFlowFile valid = validate.getFlowFilesForRelationship("valid").get(0);
        assertThat(mqtt.evaluate("Publish to the readings topic", "Kafka Key", valid.getAttributes())).isEqualTo("thermo-0042");

        TestRunner headers = mqtt.runner("Dead-letter headers");
        headers.enqueue(validate.getFlowFilesForRelationship("invalid").get(0));
        headers.run();
        MockFlowFile deadLetter = headers.getFlowFilesForRelationship("success").get(0);
        deadLetter.assertAttributeEquals("dlq.source", "datalakelab/readings/plant-a/thermo-0043");
        assertThat(deadLetter.getAttribute("dlq.reason")).startsWith("value is not one JSON value");
        // As ingestion-iot's MQTT bridge keys its dead letters: by the last level of the MQTT topic.
        assertThat(mqtt.evaluate("Publish to <topic>.dlq", "Kafka Key", deadLetter.getAttributes())).isEqualTo("thermo-0043");
    }
}
