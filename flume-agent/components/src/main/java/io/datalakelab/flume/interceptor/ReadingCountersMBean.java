package io.datalakelab.flume.interceptor;

/** The JMX view of {@link ReadingCounters}: Flume registers each counter group as a standard MBean. */
public interface ReadingCountersMBean {

    long getReadingsValid();

    long getReadingsDeadLettered();

    long getStartTime();

    long getStopTime();

    String getType();
}
