package io.datalakelab.lab.observe;

import io.datalakelab.lab.observe.LakeSnapshot.ThroughputPoint;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per topic rates from successive looks: records/s from the growth of the end offsets (transaction markers of
 * transactional topics count as records), bytes/s from the growth of the leader replicas on disk. Retention
 * deleting a segment shrinks the size: that interval counts as 0 bytes/s rather than a negative rate.
 */
final class ThroughputHistory {

    private record Sample(long atMs, long endOffsets, long sizeBytes) {
    }

    private final int capacity;
    private final Map<String, Sample> last = new HashMap<>();
    private final Map<String, Deque<ThroughputPoint>> points = new HashMap<>();

    ThroughputHistory(int capacity) {
        this.capacity = capacity;
    }

    /** Records a look at {@code topic}; returns the rates since the previous look, or null for the first. */
    synchronized ThroughputPoint sample(String topic, long atMs, long endOffsets, long sizeBytes) {
        Sample previous = last.put(topic, new Sample(atMs, endOffsets, sizeBytes));
        if (previous == null || atMs <= previous.atMs() || endOffsets < previous.endOffsets()) {
            // first look, or the topic was deleted and created again: no rate yet
            return null;
        }
        double seconds = (atMs - previous.atMs()) / 1000.0;
        ThroughputPoint point = new ThroughputPoint(atMs, (endOffsets - previous.endOffsets()) / seconds,
                Math.max(0, sizeBytes - previous.sizeBytes()) / seconds);
        Deque<ThroughputPoint> history = points.computeIfAbsent(topic, t -> new ArrayDeque<>());
        history.addLast(point);
        while (history.size() > capacity) {
            history.removeFirst();
        }
        return point;
    }

    synchronized List<ThroughputPoint> history(String topic) {
        return List.copyOf(points.getOrDefault(topic, new ArrayDeque<>()));
    }
}
