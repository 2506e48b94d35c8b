package io.datalakelab.sink.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.core.cli.Commands;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import io.datalakelab.sink.LakeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code landing-audit}: proves from HDFS alone that a topic's readings landed with nothing lost or duplicated. */
@Command(name = "landing-audit", mixinStandardHelpOptions = true,
        description = "Reads a topic's committed files from HDFS and reports lost and duplicated readings. Exit 1 if any.")
public final class LandingAuditCommand implements Callable<Integer> {

    @Mixin
    LakeOptions lake;

    @Option(names = "--site", description = "Count only readings of this site.")
    String site;

    @Option(names = "--from-partition", description = "Read only time partitions at or after this one, e.g. dt=2026-11-23/hr=09.")
    String fromPartition;

    @Option(names = "--expect-records", description = "Distinct readings that must be there.")
    Long expectRecords;

    public static void main(String[] args) {
        Commands.runAndExit(new LandingAuditCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        try (FileSystem fs = lake.openFileSystem()) {
            AuditReport report = new LandingAudit(fs, lake.layout())
                    .audit(lake.topic(), site, fromPartition, expectRecords == null ? OptionalLong.empty() : OptionalLong.of(expectRecords));
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
            return report.isExact() ? Commands.OK : Commands.JOB_FAILED;
        }
    }
}
