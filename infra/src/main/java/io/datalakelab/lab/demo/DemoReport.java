package io.datalakelab.lab.demo;

import io.datalakelab.iot.fleet.SimulationReport;
import io.datalakelab.sink.audit.AuditReport;

/**
 * The outcome of {@code lab demo}: what the fleet sent, what the audit found in HDFS, and how fresh it was.
 *
 * @param sinkKills            times the sink was SIGKILLed and restarted during the run
 * @param firstSendToLastFileMs first reading sent → modification time of the newest file holding a reading of the run
 * @param firstSendToVerifiedMs first reading sent → the moment every offset was seen committed in HDFS
 * @param changeCapture         the MySQL → Kafka → HDFS part; null when it did not run (no database, --no-cdc)
 */
public record DemoReport(String site, SimulationReport fleet, AuditReport audit, int sinkKills, long firstSendToLastFileMs,
                         long firstSendToVerifiedMs, ChangeCaptureDemo.Report changeCapture) {

    public boolean passed() {
        return (changeCapture == null || changeCapture.exact()) && fleet.failed() == 0 && audit.lost() == 0 && audit.duplicated() == 0 && audit.missing() == 0
                && audit.offsetOverlaps() == 0 && audit.records() == fleet.acknowledged();
    }

    /** Why the run failed, in words; empty when it passed. */
    public java.util.List<String> problems() {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (fleet.failed() > 0) {
            out.add(fleet.failed() + " readings not acknowledged by Kafka (" + fleet.firstError() + ")");
        }
        if (audit.lost() > 0 || audit.missing() > 0) {
            out.add(audit.lost() + " lost, " + audit.missing() + " missing sequence numbers");
        }
        if (audit.duplicated() > 0) {
            out.add(audit.duplicated() + " duplicated");
        }
        if (audit.offsetOverlaps() > 0) {
            out.add(audit.offsetOverlaps() + " offsets of the topic are in more than one committed file (duplicates in the lake)");
        }
        if (audit.records() != fleet.acknowledged()) {
            out.add(audit.records() + " readings landed for " + fleet.acknowledged() + " acknowledged");
        }
        if (changeCapture != null && !changeCapture.exact()) {
            out.add("the change events in HDFS do not replay to the tables: " + changeCapture.tableRows() + " rows in the tables, "
                    + changeCapture.replayedRows() + " replayed; " + String.join("; ", changeCapture.mismatches().stream().limit(5).toList()));
        }
        return out;
    }

    /**
     * Writes this report as the lab's latest proof ({@code .lab/demo/last-report.json}): the dashboard and scripts read it
     * after the demo's own output is gone. Written whole under a temporary name and renamed, so a reader never sees half.
     */
    public void save(java.nio.file.Path file, long finishedAtMs) throws java.io.IOException {
        java.util.Map<String, Object> saved = new java.util.LinkedHashMap<>();
        saved.put("finishedAtMs", finishedAtMs);
        saved.put("passed", passed());
        saved.put("problems", problems());
        saved.put("text", toText());
        saved.put("report", this);
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), saved);
        java.nio.file.Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append("Data Lake Lab demo: sensor fleet -> Kafka -> hdfs-sink -> HDFS\n");
        out.append(String.format("  site                  %s (%d devices)%n", site, fleet.devices()));
        out.append(String.format("  produced              %,d readings to %s in %.1f s (%,.0f readings/s), %d failed%n",
                fleet.acknowledged(), fleet.topic(), fleet.durationMs() / 1000.0, fleet.recordsPerSecond(), fleet.failed()));
        out.append(String.format("  late replays          %,d readings sent late, out of order, by devices back from offline%n", fleet.lateReadings()));
        out.append(String.format("  sink restarts         %d (SIGKILL mid-flow)%n", sinkKills));
        out.append(String.format("  landed in HDFS        %,d readings in %d files under /datalake/raw/%s%n", audit.records(), audit.files(), audit.topic()));
        out.append("  per partition        ");
        audit.recordsPerPartition().forEach((p, n) -> out.append(String.format(" p%d=%,d", p, n)));
        out.append('\n');
        out.append(String.format("  devices               %d%n", audit.devices()));
        out.append(String.format("  lost                  %d%n", audit.lost()));
        out.append(String.format("  duplicated            %d%n", audit.duplicated()));
        out.append(String.format("  offset overlaps/gaps  %d / %d%n", audit.offsetOverlaps(), audit.offsetGaps()));
        if (audit.reportedLost() > 0) {
            out.append(String.format("  expired before landing %d records of the topic (see its _LOST reports)%n", audit.reportedLost()));
        }
        out.append(String.format("  first produce -> last file visible   %.1f s%n", firstSendToLastFileMs / 1000.0));
        out.append(String.format("  first produce -> all offsets landed  %.1f s%n", firstSendToVerifiedMs / 1000.0));
        if (changeCapture != null) {
            out.append("MySQL/MariaDB -> ingestion-rdbms -> Kafka -> hdfs-sink-rdbms -> HDFS\n");
            out.append(String.format("  applied               %,d insert/update/delete statements to shop.customers and shop.orders%n",
                    changeCapture.statements()));
            out.append(String.format("  landed change events  %s%n", changeCapture.eventsLanded()));
            out.append(String.format("  rows in the tables    %s%n", changeCapture.tableRows()));
            out.append(String.format("  replayed from HDFS    %s, %d mismatches%n", changeCapture.replayedRows(), changeCapture.mismatches().size()));
            out.append(String.format("  first change -> all landed           %d s%n", changeCapture.secondsToLanded()));
        }
        out.append(passed() ? (changeCapture == null ? "RESULT: OK, 0 lost / 0 duplicated\n"
                : "RESULT: OK, 0 lost / 0 duplicated, HDFS replays to the tables\n") : "RESULT: FAILED, " + String.join("; ", problems()) + "\n");
        return out.toString();
    }
}
