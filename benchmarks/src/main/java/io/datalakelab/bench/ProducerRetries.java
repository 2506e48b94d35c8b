package io.datalakelab.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.ObjectName;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Batches a producer sent again ({@code record-retry-total}): a transactional producer whose next transaction starts
 * while the previous one's markers are still being written gets {@code CONCURRENT_TRANSACTIONS} on its first produce
 * and retries after {@code retry.backoff.ms}, which the single-row latency would show.
 */
final class ProducerRetries {

    private ProducerRetries() {
    }

    static long of(Map<MetricName, ? extends Metric> metrics) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals("record-retry-total") && e.getKey().group().equals("producer-metrics"))
                .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue()).sum();
    }

    /** The same counter of a producer in this JVM that the benchmark does not hold (the capture's), read over JMX. */
    static long ofClient(String clientId) {
        try {
            Object value = ManagementFactory.getPlatformMBeanServer().getAttribute(
                    new ObjectName("kafka.producer:type=producer-metrics,client-id=" + clientId), "record-retry-total");
            return ((Number) value).longValue();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read record-retry-total of producer " + clientId + ": " + e.getMessage(), e);
        }
    }
}
