package io.datalakelab.sink.compaction;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.core.cli.Commands;
import io.datalakelab.sink.LakeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code compact}: merges a landed topic's small files, partition directory by partition directory. */
@Command(name = "compact", mixinStandardHelpOptions = true,
        description = "Merges the small files of a landed topic's closed partition directories into files of about --target-mb, "
                + "keeping the sink's offset bookkeeping. Prints what it did as JSON.")
public final class CompactCommand implements Callable<Integer> {

    @Mixin
    LakeOptions lake;

    @Option(names = "--partition", description = "Only directories starting with this one, e.g. dt=2026-11-23 or site=porto/dt=2026-11-23/hr=09 (repeatable; default: all).")
    List<String> partitions = new ArrayList<>();

    @Option(names = "--target-mb", defaultValue = "128", description = "Size the merged files grow to, in MiB (default: ${DEFAULT-VALUE}).")
    long targetMb;

    @Option(names = "--include-incomplete", description = "Also compact directories without _SUCCESS (the sink may still add late files; those are left alone).")
    boolean includeIncomplete;

    @Option(names = "--parquet-row-group-mb", defaultValue = "128", description = "Row group size of merged Parquet files, in MiB (default: ${DEFAULT-VALUE}).")
    long parquetRowGroupMb;

    public static void main(String[] args) {
        Commands.runAndExit(new CompactCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        try (FileSystem fs = lake.openFileSystem()) {
            Compactor compactor = new Compactor(fs, lake.layout(), targetMb * 1024 * 1024, parquetRowGroupMb * 1024 * 1024);
            Compactor.Result result = compactor.compact(lake.topic(),
                    dirs -> partitions.isEmpty() || partitions.stream().anyMatch(p -> dirs.equals(p) || dirs.startsWith(p + "/")),
                    !includeIncomplete);
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
            return Commands.OK;
        }
    }
}
