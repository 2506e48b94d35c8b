package io.datalakelab.lab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which partitions a consumer group owes: the dashboard's lag and retention risk are only as complete as this. */
class GroupPositionsTest {

    private static final String READINGS = "iot.sensor-readings";

    private static Map<TopicPartition, Long> offsets(String topic, int partitions, long value) {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            out.put(new TopicPartition(topic, p), value);
        }
        return out;
    }

    @Test
    void aPartitionTheGroupNeverCommittedOnIsOwedFromItsStart() {
        // The demo's devices hashed to partitions 0-3 and 5; records arrive on 4 later, while the sink is stopped.
        Map<TopicPartition, Long> ends = offsets(READINGS, 6, 5_000);
        ends.putAll(offsets("rdbms.lab.shop.orders", 3, 100));
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        for (int p : new int[] {0, 1, 2, 3, 5}) {
            committed.put(new TopicPartition(READINGS, p), new OffsetAndMetadata(4_000));
        }

        Map<TopicPartition, Long> positions = LakeObserver.positionsOf(committed, null, ends);

        assertThat(positions).hasSize(6).containsEntry(new TopicPartition(READINGS, 4), LakeObserver.NOT_COMMITTED)
                .containsEntry(new TopicPartition(READINGS, 5), 4_000L);
        assertThat(positions.keySet()).as("a topic the group does not read is not its lag").allMatch(tp -> tp.topic().equals(READINGS));
    }

    @Test
    void aMemberThatHasNotCommittedYetOwesEveryPartitionOfItsAssignedTopics() {
        Map<TopicPartition, Long> ends = offsets(READINGS, 3, 10);
        MemberDescription member = new MemberDescription("m-1", "client", "127.0.0.1",
                new MemberAssignment(Set.of(new TopicPartition(READINGS, 0))));
        ConsumerGroupDescription group = new ConsumerGroupDescription("fresh", false, List.of(member), "range", GroupType.CLASSIC,
                GroupState.STABLE, new Node(1, "127.0.0.1", 9092), Set.of(), Optional.empty(), Optional.empty());

        assertThat(LakeObserver.positionsOf(Map.of(), group, ends))
                .hasSize(3).allSatisfy((tp, position) -> assertThat(position).isEqualTo(LakeObserver.NOT_COMMITTED));
    }
}
