package io.datalakelab.core.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicSpecTest {

    @Test
    void sensorReadingsFollowTheContract() {
        TopicSpec spec = TopicSpec.sensorReadings();

        assertThat(spec.name()).isEqualTo("iot.sensor-readings");
        assertThat(spec.partitions()).isEqualTo(6);
        assertThat(spec.replicationFactor()).isEqualTo((short) 3);
        assertThat(spec.minInSyncReplicas()).isEqualTo(2);
        assertThat(spec.retention()).isEqualTo(Duration.ofHours(168));
    }

    @Test
    void newTopicCarriesRetentionAndMinInSyncReplicas() {
        NewTopic topic = TopicSpec.sensorReadings().toNewTopic();

        assertThat(topic.numPartitions()).isEqualTo(6);
        assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        assertThat(topic.configs()).containsOnly(
                entry("retention.ms", Long.toString(Duration.ofHours(168).toMillis())),
                entry("min.insync.replicas", "2"));
    }

    @Test
    void oneBrokerClampsReplicationAndMinInSyncReplicasToOne() {
        TopicSpec spec = TopicSpec.sensorReadings().forBrokers(1);

        assertThat(spec.replicationFactor()).isEqualTo((short) 1);
        assertThat(spec.minInSyncReplicas()).isEqualTo(1);
        assertThat(spec.partitions()).isEqualTo(6);
    }

    @Test
    void threeBrokersKeepTheContractsReplication() {
        TopicSpec spec = TopicSpec.sensorReadings().forBrokers(3);

        assertThat(spec.replicationFactor()).isEqualTo((short) 3);
        assertThat(spec.minInSyncReplicas()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "iot sensor readings", "iot/sensor-readings", "iot.sensör"})
    void illegalTopicNameIsRejected(String name) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TopicSpec(name, 1, (short) 1, 1, TopicSpec.DEFAULT_RETENTION))
                .withMessageContaining("'" + name + "'");
    }

    @Test
    void topicNameLongerThan249CharactersIsRejected() {
        String name = "a".repeat(250);

        assertThatIllegalArgumentException().isThrownBy(() -> Topics.requireLegal(name));
    }

    @Test
    void changeEventTopicIsNamedAfterServerDatabaseAndTable() {
        assertThat(Topics.changeEventsOf("srv", "shop", "orders")).isEqualTo("rdbms.srv.shop.orders");
    }
}
