package io.datalakelab.lab.chaos;

import java.time.Duration;
import java.util.List;

/**
 * One chaos run's outcome, as one line: how much went through, how many faults hit it, what was lost or duplicated
 * (sensor readings by per-device sequence numbers in HDFS; change capture by replaying HDFS against the tables, where
 * a row that differs or is missing counts as lost and one that should not be there as duplicated), and how long the
 * flow took to move again after each restart.
 *
 * @param observation what was watched during the outages and whether it was seen (null when nothing was)
 */
public record ChaosReport(ChaosScenario scenario, long records, int faults, long lost, long duplicated, List<Duration> recoveries,
                          String observation, List<String> problems) {

    public boolean passed() {
        return lost == 0 && duplicated == 0 && problems.isEmpty() && faults > 0;
    }

    public Duration maxRecovery() {
        return recoveries.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }

    public Duration meanRecovery() {
        return recoveries.isEmpty() ? Duration.ZERO : recoveries.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(recoveries.size());
    }

    public String line() {
        return String.format("chaos %-16s records %,d  faults %d  lost %d  duplicated %d  recovery mean %.1f s, max %.1f s%s  %s",
                scenario.cliName(), records, faults, lost, duplicated, meanRecovery().toMillis() / 1000.0, maxRecovery().toMillis() / 1000.0,
                observation == null ? "" : "  (" + observation + ")",
                passed() ? "OK" : "FAILED" + (problems.isEmpty() ? (faults == 0 ? ": no fault was injected" : "") : ": " + String.join("; ", problems)));
    }
}
