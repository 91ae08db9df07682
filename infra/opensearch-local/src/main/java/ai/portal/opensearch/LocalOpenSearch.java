package ai.portal.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.Version;
import org.opensearch.analysis.common.CommonAnalysisModulePlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.node.NodeValidationException;
import org.opensearch.painless.PainlessModulePlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.PluginInfo;
import org.opensearch.transport.Netty4ModulePlugin;

/**
 * A real OpenSearch engine node (Lucene, REST layer, Netty HTTP) running inside this JVM.
 *
 * <p>Single node cluster {@value #CLUSTER_NAME} bound to 127.0.0.1, data under {@code <home>/data}, every new index
 * gets 0 replicas, so the cluster is green with one node. The disk watermarks are off so a full laptop disk does not
 * make indices read-only. Start with {@link #start(Path, int)}; {@link #close()} stops the node, flushing the shards,
 * and a later start on the same home finds the same indices.
 *
 * <p>Only the classpath plugins transport-netty4 (HTTP and transport), analysis-common (the usual analyzers and
 * filters) and lang-painless (scripts) are loaded. No security plugin: HTTP is plain and unauthenticated, which is
 * why it only listens on the loopback address.
 */
public final class LocalOpenSearch implements AutoCloseable {

    public static final String CLUSTER_NAME = "ai-portal";
    public static final String HOST = "127.0.0.1";

    /** The classpath plugins the node is started with. */
    public static final List<Class<? extends Plugin>> PLUGINS =
            List.of(Netty4ModulePlugin.class, CommonAnalysisModulePlugin.class, PainlessModulePlugin.class);

    static final String LOG_CONFIG = "opensearch-local-log4j2.xml";

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    static {
        useBundledLogConfigUnlessConfigured();
    }

    private static final Logger log = LogManager.getLogger(LocalOpenSearch.class);

    private final Path home;
    private final Node node;
    private final URI httpUri;
    private boolean closed;

    private LocalOpenSearch(Path home, Node node, URI httpUri) {
        this.home = home;
        this.node = node;
        this.httpUri = httpUri;
    }

    /** Starts a node with its transport layer on any free port. */
    public static LocalOpenSearch start(Path home, int httpPort) {
        return start(home, httpPort, 0);
    }

    /**
     * Starts a node and returns once the cluster is at least yellow and its HTTP port answers.
     *
     * @param home          folder for the node's data ({@code home/data}), config and logs folders; created if missing
     * @param httpPort      HTTP port on 127.0.0.1; 0 picks a free one (see {@link #httpUri()})
     * @param transportPort transport port on 127.0.0.1; 0 picks a free one
     */
    public static LocalOpenSearch start(Path home, int httpPort, int transportPort) {
        Path absHome = home.toAbsolutePath().normalize();
        long startedAt = System.nanoTime();
        Node node = null;
        try {
            for (String dir : List.of("config", "data", "logs", "plugins", "modules")) {
                Files.createDirectories(absHome.resolve(dir));
            }
            Settings settings = settings(absHome, httpPort, transportPort);
            Environment environment = InternalSettingsPreparer.prepareEnvironment(
                    settings, Map.of(), absHome.resolve("config"), () -> "ai-portal-local");
            node = new PluginNode(environment, PLUGINS);
            node.start();

            int boundPort = node.injector().getInstance(HttpServerTransport.class)
                    .boundAddress().publishAddress().getPort();
            URI uri = URI.create("http://" + HOST + ":" + boundPort);
            awaitYellow(uri);
            log.info("OpenSearch {} node [{}] up on {} in {} ms, data in {}", Version.CURRENT, CLUSTER_NAME, uri,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), absHome.resolve("data"));
            return new LocalOpenSearch(absHome, node, uri);
        } catch (IOException e) {
            closeQuietly(node);
            throw new UncheckedIOException("OpenSearch could not start in " + absHome, e);
        } catch (NodeValidationException | RuntimeException e) {
            closeQuietly(node);
            throw new IllegalStateException("OpenSearch could not start in " + absHome + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            closeQuietly(node);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while OpenSearch was starting", e);
        }
    }

    static Settings settings(Path home, int httpPort, int transportPort) {
        return Settings.builder()
                .put("cluster.name", CLUSTER_NAME)
                .put("node.name", "ai-portal-local")
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("discovery.type", "single-node")
                .put("network.host", HOST)
                .put("http.port", httpPort)
                .put("transport.port", transportPort)
                // a single node never gets replicas assigned: make 0 the default so indices are green
                .put("cluster.default_number_of_replicas", 0)
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", true)
                .build();
    }

    /** The HTTP endpoint, e.g. {@code http://127.0.0.1:9200}. */
    public URI httpUri() {
        return httpUri;
    }

    public int httpPort() {
        return httpUri.getPort();
    }

    public Path home() {
        return home;
    }

    /** Stops the node: shards are flushed and closed, the data folder lock released. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("stopping OpenSearch on {}", httpUri);
        try {
            node.close();
            if (!node.awaitClose(60, TimeUnit.SECONDS)) {
                log.warn("OpenSearch did not stop within 60 s");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("OpenSearch stopped");
    }

    private static void awaitYellow(URI uri) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpRequest request = HttpRequest.newBuilder(
                        uri.resolve("/_cluster/health?wait_for_status=yellow&timeout=2s"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            String last = "no answer";
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200 && !response.body().contains("\"status\":\"red\"")) {
                        return;
                    }
                    last = response.statusCode() + " " + response.body();
                } catch (IOException e) {
                    last = e.toString();
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("cluster not yellow within " + READY_TIMEOUT + ": " + last);
        }
    }

    private static void closeQuietly(Node node) {
        if (node == null) {
            return;
        }
        try {
            node.close();
            node.awaitClose(30, TimeUnit.SECONDS);
        } catch (IOException | RuntimeException e) {
            log.warn("could not stop the node that failed to start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Points Log4j at the bundled stdout configuration unless the application chose one (system property or a
     * {@code log4j2.xml}/{@code log4j2-test.xml} on the classpath). Without it Log4j would only print errors.
     */
    static void useBundledLogConfigUnlessConfigured() {
        if (System.getProperty("log4j2.configurationFile") != null
                || System.getProperty("log4j.configurationFile") != null) {
            return;
        }
        ClassLoader loader = LocalOpenSearch.class.getClassLoader();
        for (String name : List.of("log4j2-test.xml", "log4j2-test.properties", "log4j2.xml", "log4j2.properties")) {
            if (loader.getResource(name) != null) {
                return;
            }
        }
        System.setProperty("log4j2.configurationFile", LOG_CONFIG);
    }

    /** {@link Node} with plugins loaded from the classpath instead of a plugins folder. */
    private static final class PluginNode extends Node {
        PluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins.stream().map(PluginNode::info).toList(), true);
        }

        private static PluginInfo info(Class<? extends Plugin> plugin) {
            return new PluginInfo(plugin.getName(), "classpath plugin", "NA", Version.CURRENT,
                    Runtime.version().feature() + "", plugin.getName(), List.of(), false);
        }
    }
}
