package io.datalakelab.lab.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.datalakelab.lab.Lab;
import io.datalakelab.lab.observe.LakeMetrics;
import io.datalakelab.lab.observe.LakeObserver;
import io.datalakelab.lab.observe.LakeSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lab dashboard}: one page that shows the lab at a glance, served by the lab's own JVM with the JDK's HTTP
 * server. A single thread looks at the lab every refresh interval; every request is answered from the latest look,
 * so thirty browsers cost the lab what one does. Read-only: GET and HEAD only, and nothing that changes the lab.
 *
 * <ul>
 *   <li>{@code /}: the page (HTML, CSS, a small script that draws SVG charts; nothing from the network);</li>
 *   <li>{@code /api/snapshot}: the latest look as JSON, the page's only data source;</li>
 *   <li>{@code /metrics}: the same look as Prometheus text ({@code lab_*});</li>
 *   <li>{@code /health}: UP once a look has been taken.</li>
 * </ul>
 */
public final class DashboardServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ASSETS = "/io/datalakelab/lab/dashboard/";
    private static final Map<String, String> PAGES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.js", "dashboard.js",
            "/dashboard.css", "dashboard.css",
            "/favicon.svg", "favicon.svg");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    private final LakeObserver observer;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final ScheduledExecutorService looker;
    private final AtomicReference<Look> latest = new AtomicReference<>();
    private final CountDownLatch firstLook = new CountDownLatch(1);

    /** A snapshot and its renderings, made once per look. */
    private record Look(LakeSnapshot snapshot, byte[] json, byte[] metrics) {
    }

    /**
     * Binds {@code host:port} and starts looking at {@code lab} every {@code refresh}. Fails at once, naming the address,
     * if the port is taken.
     */
    public DashboardServer(Lab lab, String host, int port, Duration refresh) throws IOException {
        this.observer = new LakeObserver(lab, refresh);
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (java.net.BindException e) {
            observer.close();
            throw new io.datalakelab.core.cli.JobFailedException("cannot serve the dashboard on " + host + ":" + port + " (" + e.getMessage()
                    + "); is another dashboard running? Choose another port with --set dashboard.port=N");
        }
        server.createContext("/", this::serve);
        handlers = Executors.newFixedThreadPool(2, daemon("lab-dashboard-http"));
        server.setExecutor(handlers);
        looker = Executors.newSingleThreadScheduledExecutor(daemon("lab-dashboard-look"));
        looker.scheduleWithFixedDelay(this::look, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
        server.start();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void look() {
        try {
            LakeSnapshot snapshot = observer.snapshot(false);
            latest.set(new Look(snapshot, JSON.writeValueAsBytes(snapshot), LakeMetrics.render(snapshot).getBytes(StandardCharsets.UTF_8)));
            firstLook.countDown();
        } catch (Exception e) {
            // The next look tries again; the page keeps the last one and shows its time.
            LOG.warn("the dashboard could not look at the lab: {}", e.toString(), e);
        }
    }

    /** Where the page is, e.g. {@code http://127.0.0.1:8090/}. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        return "http://" + host + ":" + address.getPort() + "/";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Waits until the first look is taken; false if {@code timeout} passed first. */
    public boolean awaitFirstLook(Duration timeout) throws InterruptedException {
        return firstLook.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The latest look, or null before the first. */
    public LakeSnapshot latest() {
        Look look = latest.get();
        return look == null ? null : look.snapshot();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "the dashboard is read-only\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Look look = latest.get();
            switch (path) {
                case "/api/snapshot" -> {
                    if (look == null) {
                        respond(exchange, 503, "application/json", "{\"status\":\"looking at the lab\"}".getBytes(StandardCharsets.UTF_8));
                    } else {
                        respond(exchange, 200, "application/json", look.json());
                    }
                }
                case "/metrics" -> respond(exchange, look == null ? 503 : 200, "text/plain; version=0.0.4; charset=utf-8",
                        look == null ? new byte[0] : look.metrics());
                case "/health" -> respond(exchange, look == null ? 503 : 200, "application/json",
                        (look == null ? "{\"status\":\"DOWN\",\"checks\":{\"look\":{\"status\":\"DOWN\",\"detail\":\"no look taken yet\"}}}"
                                : "{\"status\":\"UP\",\"checks\":{\"look\":{\"status\":\"UP\",\"detail\":\"last look at " + look.snapshot().takenAtMs()
                                + "\"}}}").getBytes(StandardCharsets.UTF_8));
                default -> {
                    String asset = PAGES.get(path);
                    if (asset == null) {
                        respond(exchange, 404, "text/plain; charset=utf-8", ("no such page: " + path + "\n").getBytes(StandardCharsets.UTF_8));
                    } else {
                        respond(exchange, 200, TYPES.get(asset.substring(asset.lastIndexOf('.') + 1)), asset(asset));
                    }
                }
            }
        }
    }

    private static byte[] asset(String name) {
        try (InputStream in = DashboardServer.class.getResourceAsStream(ASSETS + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from the lab's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", contentType);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        // Everything the page uses comes from here: no CDN, no inline script, nothing fetched from elsewhere.
        headers.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        looker.shutdownNow();
        handlers.shutdownNow();
        try {
            looker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        observer.close();
    }
}
