package io.datalakelab.core.topic;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Where a topic's partitions end: what a consumer must reach to have read everything written so far. */
public final class TopicOffsets {

    private TopicOffsets() {
    }

    /** The log-end offset of every partition of {@code topic}, by partition number. */
    public static Map<Integer, Long> latest(Admin admin, String topic) throws InterruptedException {
        try {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
