package io.datalakelab.iot.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MqttTopicsTest {

    @Test
    void aDevicePublishesUnderItsSiteAndTheBridgeReadsTheDeviceBack() {
        String topic = MqttTopics.readingTopic("datalakelab/readings", "lisbon", "lisbon-climate-0001");
        assertThat(topic).isEqualTo("datalakelab/readings/lisbon/lisbon-climate-0001");
        assertThat(MqttTopics.deviceIdOf("datalakelab/readings", topic)).isEqualTo("lisbon-climate-0001");
        assertThat(MqttTopics.deviceIdOf("datalakelab/readings", "datalakelab/readings/lisbon")).isNull();
        assertThat(MqttTopics.deviceIdOf("datalakelab/readings", "other/lisbon/d")).isNull();
        assertThat(MqttTopics.subscription("datalakelab/readings")).isEqualTo("datalakelab/readings/#");
        assertThatThrownBy(() -> MqttTopics.readingTopic("p", "a/b", "d")).hasMessageContaining("site 'a/b'");
    }

    @Test
    void brokerUrisAndPrefixesAreCheckedAtStart() {
        assertThat(MqttTopics.brokerUri().check("tcp://127.0.0.1:1883")).isNull();
        assertThat(MqttTopics.brokerUri().check("ssl://mqtt.example:8883")).isNull();
        assertThat(MqttTopics.brokerUri().check("127.0.0.1:1883")).isNotNull();
        assertThat(MqttTopics.brokerUri().check("tcp://127.0.0.1")).isNotNull();
        assertThat(MqttTopics.topicPrefix().check("datalakelab/readings")).isNull();
        assertThat(MqttTopics.topicPrefix().check("a/+/b")).isNotNull();
        assertThat(MqttTopics.topicPrefix().check("a/#")).isNotNull();
        assertThat(MqttTopics.topicPrefix().check("/a")).isNotNull();
        assertThat(MqttTopics.topicPrefix().check("a/")).isNotNull();
        assertThat(MqttTopics.topicPrefix().check("")).isNotNull();
    }
}
