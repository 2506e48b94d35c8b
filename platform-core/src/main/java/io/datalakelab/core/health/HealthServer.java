package io.datalakelab.core.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The HTTP endpoint every service exposes: {@code GET /health} (JSON, 200 when every check is healthy,
 * 503 otherwise) and {@code GET /metrics} (Prometheus text format from the service's meter registry).
 */
public final class HealthServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrometheusMeterRegistry registry;
    private final Map<String, HealthCheck> checks = new LinkedHashMap<>();
    private final HttpServer server;
    private final java.util.concurrent.ExecutorService executor;

    /**
     * @param host address to bind, normally 127.0.0.1
     * @param port port to bind; 0 picks a free one (see {@link #port()})
     */
    public HealthServer(String host, int port, PrometheusMeterRegistry registry) throws IOException {
        this.registry = registry;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/health", this::serveHealth);
        server.createContext("/metrics", this::serveMetrics);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "health-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
    }

    public static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    public synchronized HealthServer register(String name, HealthCheck check) {
        checks.put(name, check);
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The current state of every check; a check that throws is reported down with its exception. */
    public synchronized Map<String, HealthCheck.Status> evaluate() {
        Map<String, HealthCheck.Status> out = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            HealthCheck.Status status;
            try {
                status = check.check();
            } catch (RuntimeException e) {
                status = HealthCheck.Status.down("check failed: " + e);
            }
            out.put(name, status);
        });
        return out;
    }

    private void serveHealth(HttpExchange exchange) throws IOException {
        if (!isExactly(exchange, "/health")) {
            return;
        }
        Map<String, HealthCheck.Status> states = evaluate();
        boolean healthy = states.values().stream().allMatch(HealthCheck.Status::healthy);
        ObjectNode body = JSON.createObjectNode();
        body.put("status", healthy ? "UP" : "DOWN");
        ObjectNode details = body.putObject("checks");
        states.forEach((name, s) -> details.putObject(name).put("status", s.healthy() ? "UP" : "DOWN").put("detail", s.detail()));
        respond(exchange, healthy ? 200 : 503, "application/json", JSON.writeValueAsBytes(body));
    }

    private void serveMetrics(HttpExchange exchange) throws IOException {
        if (!isExactly(exchange, "/metrics")) {
            return;
        }
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape().getBytes(StandardCharsets.UTF_8));
    }

    /** The JDK server routes by prefix; anything but the exact path is a 404. */
    private static boolean isExactly(HttpExchange exchange, String path) throws IOException {
        if (exchange.getRequestURI().getPath().equals(path)) {
            return true;
        }
        respond(exchange, 404, "text/plain", ("no such endpoint: " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
