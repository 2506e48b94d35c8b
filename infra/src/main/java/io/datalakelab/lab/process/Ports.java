package io.datalakelab.lab.process;

import io.datalakelab.core.cli.JobFailedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Whether something listens on a port of 127.0.0.1. */
public final class Ports {

    private Ports() {
    }

    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails, naming the port and its purpose, if another program already listens there. */
    public static void requireFree(int port, String purpose) {
        if (isListening(port)) {
            throw new JobFailedException("port " + port + " (" + purpose + ") is already in use by another program; "
                    + "stop it, or give the lab another port (see `lab up --help`)");
        }
    }
}
