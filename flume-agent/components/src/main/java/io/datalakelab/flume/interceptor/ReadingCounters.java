package io.datalakelab.flume.interceptor;

import org.apache.flume.instrumentation.MonitoredCounterGroup;

/**
 * The interceptor's counts, published like every Flume component's: over JMX as
 * {@code org.apache.flume.interceptor:type=<name>} and in the agent's HTTP monitoring JSON
 * ({@code -Dflume.monitoring.type=http}) as {@code INTERCEPTOR.<name>}.
 */
public final class ReadingCounters extends MonitoredCounterGroup implements ReadingCountersMBean {

    static final String VALID = "readings.valid";
    static final String INVALID = "readings.dead-lettered";

    ReadingCounters(String name) {
        super(Type.INTERCEPTOR, name, VALID, INVALID);
    }

    void valid() {
        increment(VALID);
    }

    void invalid() {
        increment(INVALID);
    }

    @Override
    public long getReadingsValid() {
        return get(VALID);
    }

    @Override
    public long getReadingsDeadLettered() {
        return get(INVALID);
    }
}
