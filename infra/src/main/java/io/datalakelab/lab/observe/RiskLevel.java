package io.datalakelab.lab.observe;

/**
 * How close a partition's oldest unconsumed record is to expiring: its age as a share of the topic's
 * {@code retention.ms}. The thresholds are hdfs-sink's defaults ({@code retention.warn.ratio} 0.5,
 * {@code retention.critical.ratio} 0.8), so the page turns amber when the sink starts warning and red when it
 * reports itself unhealthy.
 */
public enum RiskLevel {
    GREEN, AMBER, RED;

    public static final double AMBER_RATIO = 0.5;
    public static final double RED_RATIO = 0.8;

    public static RiskLevel of(double ratio) {
        return ratio >= RED_RATIO ? RED : ratio >= AMBER_RATIO ? AMBER : GREEN;
    }

    public RiskLevel worse(RiskLevel other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
