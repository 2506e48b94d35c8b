package io.datalakelab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free TCP ports on 127.0.0.1 for fixtures. Tests never take the lab's fixed ports (9092-9094, 9870, 3306) nor MQTT's 1883,
 * so a test suite runs while a lab is up; the kernel's ephemeral range never contains them.
 */
public final class FreePorts {

    private static final Set<Integer> LAB_PORTS = Set.of(9092, 9093, 9094, 9870, 3306, 8020, 1883);
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    public static synchronized int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                int port = socket.getLocalPort();
                if (!LAB_PORTS.contains(port) && HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 after 100 attempts");
    }
}
