package io.datalakelab.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PLAY RECAP of an ansible-playbook run: per host, how many tasks were ok, changed, unreachable, failed. */
record PlayRecap(Map<String, HostCounts> hosts) {

    record HostCounts(int ok, int changed, int unreachable, int failed) {
    }

    private static final Pattern LINE = Pattern.compile(
            "^(\\S+)\\s*:\\s*ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+)", Pattern.MULTILINE);

    /** Reads the last PLAY RECAP of {@code output}; a host listed twice (two plays' recaps) keeps its last line. */
    static PlayRecap parse(String output) {
        int start = output.lastIndexOf("PLAY RECAP");
        if (start < 0) {
            throw new AssertionError("no PLAY RECAP in the output:\n" + output);
        }
        Map<String, HostCounts> hosts = new LinkedHashMap<>();
        Matcher m = LINE.matcher(output.substring(start));
        while (m.find()) {
            hosts.put(m.group(1), new HostCounts(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))));
        }
        return new PlayRecap(Map.copyOf(hosts));
    }

    int changed() {
        return hosts.values().stream().mapToInt(HostCounts::changed).sum();
    }

    int failedOrUnreachable() {
        return hosts.values().stream().mapToInt(c -> c.failed() + c.unreachable()).sum();
    }
}
