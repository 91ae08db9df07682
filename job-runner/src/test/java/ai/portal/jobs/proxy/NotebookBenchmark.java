package ai.portal.jobs.proxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ai.portal.testing.TestStack;
import ai.portal.testing.Tokens;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import ai.portal.jobs.bench.BenchHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 9's figures for docs/benchmarks.md (a test-scoped main, not a test; lines {@code BENCH ...}) against a running
 * {@code ./portal up}: real JupyterLab processes on the local cluster, the job runner's notebook proxy, Keycloak.
 *
 * <ul>
 *   <li><b>launch → usable</b>: {@code rounds} notebooks launched one after another through the API (team
 *       {@code demo}, alice, the {@code scipy} image, no GPU); from the launch call until JupyterLab answers through
 *       the proxy in a signed-in browser session ({@code <base>api/status} 200, then {@code <base>lab} 200), with
 *       launch → Running (the API's phase) beside it. Each is deleted after its round.</li>
 *   <li><b>proxy overhead</b>: one notebook, the same requests through the proxy (session cookie: token check,
 *       team membership, informer lookup, the gateway) and straight to the pod ({@code <pod IP>:8888}, Jupyter's
 *       token in the header, as the proxy sends it), alternating: a static asset (JupyterLab's main bundle), and a
 *       kernel round trip over WebSockets ({@code kernel_info_request} → reply, on one socket per path to the same
 *       kernel).</li>
 *   <li><b>memory</b>: resident memory of the notebook's process tree (server, then with a kernel).</li>
 * </ul>
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
 *     ai.portal.jobs.proxy.NotebookBenchmark 6 100   # launch rounds, round trips per path
 * </pre>
 */
public final class NotebookBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TEAM = System.getenv().getOrDefault("BENCH_TEAM", "demo");
    private static final String USER = System.getenv().getOrDefault("BENCH_USER", "alice");
    private static final Pattern SCRIPT = Pattern.compile("<script[^>]*\\bsrc=\"([^\"]+\\.js[^\"]*)\"");

    private final TestStack stack = TestStack.get();
    private final Tokens tokens = Tokens.fromTestStack();
    private final HttpClient http = TestStack.httpClient();
    private final BenchHttp calls = new BenchHttp(http);
    private final HttpClient direct = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String jobsUrl = stack.value("PORTAL_JOBS_URL");
    private final String origin = stack.value("PORTAL_NOTEBOOKS_URL");
    private final String password = stack.value(USER.toUpperCase(Locale.ROOT) + "_PASSWORD");
    private final String id = UUID.randomUUID().toString().substring(0, 4);

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int trips = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        new NotebookBenchmark().run(rounds, trips);
        System.exit(0);
    }

    private void run(int rounds, int trips) throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(Path.of(stack.value("KUBECONFIG"))));
        try (KubernetesClient kubernetes = new KubernetesClientBuilder().withConfig(config).build()) {
            launches(rounds);
            overhead(kubernetes, trips);
        }
    }

    // ---- launch → usable ---------------------------------------------------------------------------------------

    private void launches(int rounds) throws Exception {
        List<Double> toRunning = new ArrayList<>();
        List<Double> toStatus = new ArrayList<>();
        List<Double> toLab = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            String name = "bench-" + id + "-" + round;
            NotebookBrowser browser = new NotebookBrowser(origin);
            String base = "/notebooks/" + TEAM + "/" + name + "/";
            String token = tokens.userToken(USER);
            long start = System.nanoTime();
            BenchHttp.expect(api("POST", "/api/v1/teams/" + TEAM + "/notebooks", token, Map.of("name", name, "image", "scipy",
                    "cpu", "1", "memory", "2Gi")), 201);
            double running = Double.NaN;
            double status = Double.NaN;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline) {
                if (Double.isNaN(running)) {
                    HttpResponse<String> view = api("GET", "/api/v1/teams/" + TEAM + "/notebooks/" + name, token,
                            null);
                    if (view.statusCode() == 200 && "Running".equals(JSON.readTree(view.body()).path("status")
                            .path("phase").asString())) {
                        running = seconds(start);
                    }
                }
                if (browser.open(base + "api/status", USER, password).statusCode() == 200) {
                    status = seconds(start);
                    break;
                }
                Thread.sleep(250);
            }
            double lab = browser.open(base + "lab", USER, password).statusCode() == 200 ? seconds(start) : Double.NaN;
            System.out.printf(Locale.ROOT, "BENCH launch round=%d to_running_s=%.1f to_api_status_s=%.1f "
                    + "to_lab_page_s=%.1f load=%s%n", round, running, status, lab, loadAverage());
            if (!Double.isNaN(running)) {
                toRunning.add(running);
            }
            if (!Double.isNaN(status)) {
                toStatus.add(status);
            }
            if (!Double.isNaN(lab)) {
                toLab.add(lab);
            }
            if (round < rounds - 1) {
                delete(name);
            } else {
                lastNotebook = name;
            }
        }
        System.out.printf(Locale.ROOT, "BENCH launch_to_usable rounds=%d | to_running_s p50=%.1f p95=%.1f | "
                        + "to_api_status_s p50=%.1f p95=%.1f | to_lab_page_s p50=%.1f p95=%.1f max=%.1f%n", rounds,
                percentile(toRunning, 50), percentile(toRunning, 95), percentile(toStatus, 50),
                percentile(toStatus, 95), percentile(toLab, 50), percentile(toLab, 95), percentile(toLab, 100));
    }

    private String lastNotebook;

    private void delete(String name) {
        api("DELETE", "/api/v1/teams/" + TEAM + "/notebooks/" + name + "?deleteWorkspace=true",
                tokens.userToken(USER), null);
    }

    // ---- proxy overhead and memory -----------------------------------------------------------------------------

    private void overhead(KubernetesClient kubernetes, int trips) throws Exception {
        String name = lastNotebook;
        String base = "/notebooks/" + TEAM + "/" + name + "/";
        String namespace = "team-" + TEAM;
        try {
            NotebookBrowser browser = new NotebookBrowser(origin);
            BenchHttp.expect(browser.open(base + "api/status", USER, password), 200);
            HttpResponse<String> lab = browser.open(base + "lab", USER, password);
            Matcher script = SCRIPT.matcher(lab.body());
            String asset = null;
            while (script.find()) {
                String src = script.group(1).replace("&amp;", "&");
                if (src.startsWith(base) && src.contains("/static/")) {
                    asset = src;
                    break;
                }
            }
            if (asset == null) {
                throw new IllegalStateException("no static script of JupyterLab in " + base + "lab");
            }
            String podIp = kubernetes.pods().inNamespace(namespace).withName(name + "-0").get().getStatus().getPodIP();
            String podToken = new String(Base64.getDecoder().decode(kubernetes.secrets().inNamespace(namespace)
                    .withName(name + "-token").get().getData().get("token")), StandardCharsets.UTF_8);
            String pod = "http://" + podIp + ":8888";
            long serverRss = rssOf(base);

            // a static asset: alternating proxy / direct, after a warm-up of each
            List<Double> viaProxy = new ArrayList<>();
            List<Double> straight = new ArrayList<>();
            int bytes = 0;
            for (int i = -5; i < trips; i++) {
                long before = System.nanoTime();
                HttpResponse<String> proxied = browser.get(asset);
                double p = (System.nanoTime() - before) / 1e6;
                before = System.nanoTime();
                HttpResponse<String> own = direct.send(HttpRequest.newBuilder(URI.create(pod + asset))
                        .header("Authorization", "token " + podToken).GET().build(), HttpResponse.BodyHandlers.ofString());
                double d = (System.nanoTime() - before) / 1e6;
                if (proxied.statusCode() != 200 || own.statusCode() != 200) {
                    throw new IllegalStateException("static asset: proxy " + proxied.statusCode() + ", direct "
                            + own.statusCode());
                }
                bytes = own.body().length();
                if (i >= 0) {
                    viaProxy.add(p);
                    straight.add(d);
                }
            }
            print("static_asset", "bytes=" + bytes, viaProxy, straight);

            // a kernel: one socket through the proxy, one straight to the pod, the same kernel
            HttpResponse<String> kernel = browser.post(base + "api/kernels", "{}", origin);
            BenchHttp.expect(kernel, 201);
            String kernelId = JSON.readTree(kernel.body()).path("id").asString();
            NotebookBrowser.Socket proxiedSocket = browser.socket(base + "api/kernels/" + kernelId + "/channels");
            NotebookBrowser.Socket ownSocket = new NotebookBrowser.Socket();
            ownSocket.webSocket = direct.newWebSocketBuilder().header("Authorization", "token " + podToken)
                    .connectTimeout(Duration.ofSeconds(20))
                    .buildAsync(URI.create("ws://" + podIp + ":8888" + base + "api/kernels/" + kernelId + "/channels"),
                            ownSocket).join();
            // the kernel answers once it has started: wait for a first reply on each socket
            roundTrip(proxiedSocket, Duration.ofSeconds(120));
            roundTrip(ownSocket, Duration.ofSeconds(120));
            viaProxy.clear();
            straight.clear();
            for (int i = -5; i < trips; i++) {
                double p = roundTrip(proxiedSocket, Duration.ofSeconds(30));
                double d = roundTrip(ownSocket, Duration.ofSeconds(30));
                if (i >= 0) {
                    viaProxy.add(p);
                    straight.add(d);
                }
            }
            print("kernel_round_trip", "msg=kernel_info_request", viaProxy, straight);
            long withKernel = rssOf(base);
            System.out.printf(Locale.ROOT, "BENCH notebook_memory server_rss_mib=%.0f with_kernel_rss_mib=%.0f%n",
                    serverRss / 1048576.0, withKernel / 1048576.0);
            proxiedSocket.webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            ownSocket.webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        } finally {
            delete(name);
        }
    }

    /** Milliseconds from a kernel_info_request to its reply on the shell channel. */
    private static double roundTrip(NotebookBrowser.Socket socket, Duration timeout) throws Exception {
        String msgId = UUID.randomUUID().toString();
        long before = System.nanoTime();
        socket.send(JSON.writeValueAsString(Map.of(
                "header", Map.of("msg_id", msgId, "username", "bench", "session", "bench", "msg_type",
                        "kernel_info_request", "version", "5.3"),
                "parent_header", Map.of(), "metadata", Map.of(), "channel", "shell", "buffers", List.of(),
                "content", Map.of())));
        long deadline = before + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String frame = socket.frames.poll(1, TimeUnit.SECONDS);
            if (frame == null) {
                continue;
            }
            JsonNode message = JSON.readTree(frame);
            if ("kernel_info_reply".equals(message.path("msg_type").asString())
                    && msgId.equals(message.path("parent_header").path("msg_id").asString())) {
                return (System.nanoTime() - before) / 1e6;
            }
        }
        throw new IllegalStateException("no kernel_info_reply within " + timeout);
    }

    private static void print(String what, String detail, List<Double> proxy, List<Double> direct) {
        System.out.printf(Locale.ROOT, "BENCH proxy.%s %s n=%d | proxy_ms p50=%.2f p95=%.2f | direct_ms p50=%.2f "
                        + "p95=%.2f | ratio_p50=%.2f ratio_p95=%.2f%n", what, detail, proxy.size(),
                percentile(proxy, 50), percentile(proxy, 95), percentile(direct, 50), percentile(direct, 95),
                percentile(proxy, 50) / percentile(direct, 50), percentile(proxy, 95) / percentile(direct, 95));
    }

    /** Resident memory of the notebook's processes: the Jupyter server started with its base URL, and its children. */
    private static long rssOf(String baseUrl) throws IOException {
        Map<Long, Long> parents = new HashMap<>();
        List<Long> roots = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    long pid = Long.parseLong(proc.getFileName().toString());
                    String stat = Files.readString(proc.resolve("stat"));
                    long ppid = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
                    parents.put(pid, ppid);
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(baseUrl) && cmdline.contains("jupyter")) {
                        roots.add(pid);
                    }
                } catch (IOException | RuntimeException gone) {
                    // a process that ended meanwhile
                }
            }
        }
        long total = 0;
        for (Map.Entry<Long, Long> process : parents.entrySet()) {
            if (descends(process.getKey(), roots, parents)) {
                total += rss(process.getKey());
            }
        }
        return total;
    }

    private static boolean descends(long pid, List<Long> roots, Map<Long, Long> parents) {
        for (int depth = 0; depth < 20 && pid > 1; depth++) {
            if (roots.contains(pid)) {
                return true;
            }
            pid = parents.getOrDefault(pid, 0L);
        }
        return false;
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException gone) {
            // ended
        }
        return 0;
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private HttpResponse<String> api(String method, String path, String token, Object body) {
        return calls.send(method, jobsUrl + path, token, body);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
