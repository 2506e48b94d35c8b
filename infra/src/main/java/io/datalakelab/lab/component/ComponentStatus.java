package io.datalakelab.lab.component;

import java.util.List;
import java.util.Map;

/**
 * What {@code lab status} shows of a component.
 *
 * @param processes one entry per process: name, pid (or null), port, alive
 * @param healthy   whether the component answers requests now
 * @param detail    the component's own facts, e.g. topics or live DataNodes
 */
public record ComponentStatus(String name, List<ProcessStatus> processes, boolean healthy, String summary,
                              List<Map<String, Object>> detail) {

    public record ProcessStatus(String name, Long pid, int port, boolean alive) {
    }
}
