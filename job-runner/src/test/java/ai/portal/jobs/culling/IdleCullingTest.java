package ai.portal.jobs.culling;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import ai.portal.jobs.KueueTestSupport;
import ai.portal.testing.LocalPrometheus;
import ai.portal.testing.TestStack;
import io.fabric8.kubernetes.api.model.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Idle culling on the local cluster with real JupyterLab servers (the catalogue's SciPy image, run as processes by
 * the node agent), with short limits: a notebook nobody uses is warned (a Kubernetes Event, a notice in its status)
 * and then stopped (workspace kept, audited, in its history, its status says why); a notebook whose kernel is busy
 * executing {@code time.sleep} is kept; a GPU notebook whose GPU computes is kept though Jupyter is idle. A user
 * extends a running notebook within the platform's bound.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class IdleCullingTest extends KueueTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalPrometheus prometheus;

    @DynamicPropertySource
    static void shortLimits(DynamicPropertyRegistry registry) {
        // the simulated nodes' DCGM exporter (the node agent), scraped every second by a Prometheus of this test
        prometheus = LocalPrometheus.builder()
                .scrape("dcgm-exporter", URI.create("http://127.0.0.1:" + TestStack.get().value("CLUSTER_AGENT_PORT")
                        + "/metrics"), true)
                .interval(Duration.ofSeconds(1))
                .start();
        registry.add("portal.prometheus.url", () -> prometheus.uri().toString());
        registry.add("portal.notebooks.idle.notebook-limit", () -> "25s");
        // long enough for the GPU's utilisation to be in Prometheus before a warning could be due
        registry.add("portal.notebooks.idle.gpu-notebook-limit", () -> "60s");
        registry.add("portal.notebooks.idle.warning", () -> "10s");
        registry.add("portal.notebooks.idle.max-extension", () -> "1h");
        registry.add("portal.notebooks.culling.period", () -> "2s");
    }

    @Test
    void anIdleNotebookIsWarnedThenStoppedABusyOneIsKeptAndUsersExtendWithinTheBound() throws Exception {
        String team = teamWithQuota("cull", "alice", Map.of(), 3, false);
        String ns = "team-" + team;
        addMember(team, "bob", "viewer");
        for (String name : List.of("idle", "busy")) {
            json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", Map.of("name", name,
                    "image", "scipy", "cpu", "1", "memory", "2Gi"), team), HttpStatus.CREATED);
        }

        // the busy one: a kernel executing for two minutes, talked to on the pod's IP as Jupyter's own client would
        String base = await("busy's Jupyter answering on its pod IP", () -> {
            var pod = kubernetes().pods().inNamespace(ns).withName("busy-0").get();
            String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            if (ip == null) {
                return null;
            }
            String url = "http://" + ip + ":8888/notebooks/" + team + "/busy/";
            return jupyter(ns, "busy", "GET", url + "api/status", null).statusCode() == 200 ? url : null;
        }, url -> true, Duration.ofSeconds(240));
        String kernelId = JSON.readTree(jupyter(ns, "busy", "POST", base + "api/kernels", "{}").body())
                .path("id").asString();
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = HTTP.newWebSocketBuilder().header("Authorization", "token " + token(ns, "busy"))
                .buildAsync(URI.create(base.replace("http://", "ws://") + "api/kernels/" + kernelId + "/channels"),
                        collector(frames))
                .get(60, TimeUnit.SECONDS);
        String msgId = UUID.randomUUID().toString();
        socket.sendText(JSON.writeValueAsString(Map.of(
                "header", Map.of("msg_id", msgId, "username", "alice", "session", UUID.randomUUID().toString(),
                        "msg_type", "execute_request", "version", "5.3"),
                "parent_header", Map.of(), "metadata", Map.of(), "channel", "shell", "buffers", List.of(),
                "content", Map.of("code", "import time; time.sleep(120)", "silent", false, "store_history", false,
                        "user_expressions", Map.of(), "allow_stdin", false, "stop_on_error", true))), true);
        awaitState(frames, msgId, "busy");
        Instant busySince = Instant.now();

        // the idle one: warned first (event on its StatefulSet, notice in its status), then stopped
        Event warning = await("the idle notebook's IdleCullWarning event", () -> event(ns, "idle", "IdleCullWarning"),
                found -> true, Duration.ofSeconds(240));
        assertThat(warning.getType()).isEqualTo("Warning");
        assertThat(warning.getMessage()).contains("will be stopped at").contains("the workspace is kept");
        JsonNode warned = awaitStatus(team, "idle", "the idle warning in its status",
                status -> status.path("idle").path("stopAt").isString());
        JsonNode notice = warned.path("workload").path("status").path("idle");
        assertThat(notice.path("notice").path("code").asString()).isEqualTo("idle-stop-warning");
        assertThat(notice.path("notice").path("text").asString()).startsWith("will be stopped at ");
        assertThat(warned.path("workload").path("status").path("phase").asString()).isEqualTo("Running");
        Instant announced = Instant.parse(notice.path("stopAt").asString());

        JsonNode stopped = awaitPhase(team, "idle", "Stopped");
        JsonNode reason = stopped.path("workload").path("status").path("reason");
        assertThat(reason.path("code").asString()).isEqualTo("stopped-idle");
        assertThat(reason.path("text").asString()).contains("after being idle for").contains("workspace is kept");
        // a stopped notebook has no StatefulSet; its status says when, from the stop's history entry
        String stoppedAt = reason.path("args").path("stoppedAt").asString();
        assertThat(Instant.parse(stoppedAt)).as("not stopped before the time the warning announced")
                .isAfterOrEqualTo(announced);
        assertThat(kubernetes().apps().statefulSets().inNamespace(ns).withName("idle").get()).isNull();
        assertThat(kubernetes().persistentVolumeClaims().inNamespace(ns).withName("idle-workspace").get()).isNotNull();
        Map<String, Object> audited = auditRows(team, "notebook.stop").getFirst();
        assertThat(audited).containsEntry("actor_username", "idle-culler").containsEntry("outcome", "success");
        assertThat((String) audited.get("detail")).startsWith("idle for ").contains("(limit 25 s)");
        assertThat(stopped.path("history").findValuesAsString("type")).contains("idle-stop");
        awaitTrue("the IdleCullStopped event", () -> event(ns, "idle", "IdleCullStopped") != null);

        // the busy one is kept: still running, never warned, well past its idle limit since its last request
        long waited = Duration.between(busySince, Instant.now()).toSeconds();
        sleep(Math.max(0, 40 - waited) * 1000);
        JsonNode busy = workload(team, "busy").path("workload").path("status");
        assertThat(busy.path("phase").asString()).isEqualTo("Running");
        assertThat(busy.path("idle").isMissingNode() || busy.path("idle").isNull()).as("%s", busy).isTrue();
        assertThat(event(ns, "busy", "IdleCullWarning")).isNull();

        // extending: members within the bound; viewers and other teams refused; a stopped notebook cannot be
        String extension = "/api/v1/teams/{team}/notebooks/{name}/idle-extension";
        expectProblem(send("alice", HttpMethod.POST, extension, Map.of("seconds", 7200), team, "busy"),
                HttpStatus.BAD_REQUEST, "seconds");
        expectProblem(send("bob", HttpMethod.POST, extension, Map.of("seconds", 600), team, "busy"),
                HttpStatus.FORBIDDEN, null);
        expectProblem(send("carol", HttpMethod.POST, extension, Map.of("seconds", 600), team, "busy"),
                HttpStatus.NOT_FOUND, null);
        expectProblem(send("alice", HttpMethod.POST, extension, Map.of("seconds", 600), team, "idle"),
                HttpStatus.CONFLICT, null);
        json(send("alice", HttpMethod.POST, extension, Map.of("seconds", 600), team, "busy"), HttpStatus.OK);
        JsonNode extended = awaitStatus(team, "busy", "the extension in its status",
                status -> status.path("idle").path("keepUntil").isString());
        assertThat(extended.path("workload").path("status").path("idle").path("notice").path("code").asString())
                .isEqualTo("idle-extended");
        assertThat(auditRows(team, "notebook.extend-idle")).extracting(row -> row.get("outcome"))
                .contains("success", "denied");
        socket.abort();
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.stop();
        }
    }

    /**
     * A GPU notebook whose kernel started a detached process that keeps computing (a training loop started from a
     * cell, say): Jupyter sees no activity and no busy kernel for longer than the limit, but its GPU is in use (the
     * simulated GPU follows the pod's processes), so it is neither warned nor stopped.
     */
    @Test
    void aGpuNotebookWhoseGpuIsInUseIsKeptThoughJupyterIsIdle() throws Exception {
        String team = teamWithQuota("cullg", "alice", Map.of(A100, 1), 2, false);
        String ns = "team-" + team;
        json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", Map.of("name", "gpu",
                "image", "pytorch-cuda12", "cpu", "1", "memory", "2Gi", "gpuType", A100, "gpus", 1), team),
                HttpStatus.CREATED);
        String base = await("gpu's Jupyter answering on its pod IP", () -> jupyterBase(ns, team, "gpu"),
                url -> true, Duration.ofSeconds(240));
        String kernelId = JSON.readTree(jupyter(ns, "gpu", "POST", base + "api/kernels", "{}").body())
                .path("id").asString();
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = HTTP.newWebSocketBuilder().header("Authorization", "token " + token(ns, "gpu"))
                .buildAsync(URI.create(base.replace("http://", "ws://") + "api/kernels/" + kernelId + "/channels"),
                        collector(frames))
                .get(60, TimeUnit.SECONDS);
        String msgId = execute(socket, "import subprocess, sys\n"
                + "burner = subprocess.Popen([sys.executable, '-c', 'while True: pass'])");
        awaitState(frames, msgId, "idle");
        Instant cellDone = Instant.now();
        try {
            String query = "max(DCGM_FI_DEV_GPU_UTIL{namespace=\"" + ns + "\",pod=\"gpu-0\"})";
            await("the notebook's GPU busy in Prometheus", () -> prometheusValue(query), value -> value >= 30,
                    Duration.ofSeconds(90));

            // past the 60 s limit since the cell ended, with a look of the culler every 2 s
            sleep(Math.max(0, 75 - Duration.between(cellDone, Instant.now()).toSeconds()) * 1000);
            JsonNode status = JSON.readTree(jupyter(ns, "gpu", "GET", base + "api/status?no_track_activity=1",
                    null).body());
            assertThat(Instant.parse(status.path("last_activity").asString().replace("+00:00", "Z")))
                    .as("Jupyter saw no activity for longer than the limit").isBefore(Instant.now().minusSeconds(60));
            JsonNode kernels = JSON.readTree(jupyter(ns, "gpu", "GET", base + "api/kernels?no_track_activity=1",
                    null).body());
            assertThat(kernels.findValuesAsString("execution_state")).containsOnly("idle");
            JsonNode gpu = workload(team, "gpu").path("workload").path("status");
            assertThat(gpu.path("phase").asString()).isEqualTo("Running");
            assertThat(gpu.path("idle").isMissingNode() || gpu.path("idle").isNull()).as("%s", gpu).isTrue();
            assertThat(event(ns, "gpu", "IdleCullWarning")).isNull();
        } finally {
            try {
                execute(socket, "burner.kill()");
            } catch (RuntimeException alreadyGone) {
                // the notebook was stopped (the assertion above says why); its processes went with its pod
            }
            socket.abort();
            send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks/gpu/stop", null, team);
        }
    }

    private static String jupyterBase(String ns, String team, String name) {
        var pod = kubernetes().pods().inNamespace(ns).withName(name + "-0").get();
        String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (ip == null) {
            return null;
        }
        String url = "http://" + ip + ":8888/notebooks/" + team + "/" + name + "/";
        return jupyter(ns, name, "GET", url + "api/status", null).statusCode() == 200 ? url : null;
    }

    private static String execute(WebSocket socket, String code) {
        String msgId = UUID.randomUUID().toString();
        socket.sendText(JSON.writeValueAsString(Map.of(
                "header", Map.of("msg_id", msgId, "username", "alice", "session", UUID.randomUUID().toString(),
                        "msg_type", "execute_request", "version", "5.3"),
                "parent_header", Map.of(), "metadata", Map.of(), "channel", "shell", "buffers", List.of(),
                "content", Map.of("code", code, "silent", false, "store_history", false,
                        "user_expressions", Map.of(), "allow_stdin", false, "stop_on_error", true))), true).join();
        return msgId;
    }

    private static Double prometheusValue(String query) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(prometheus.uri() + "/api/v1/query?query="
                    + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode result = JSON.readTree(answer.body()).path("data").path("result");
            return result.isEmpty() ? null : Double.parseDouble(result.get(0).path("value").path(1).asString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitState(BlockingQueue<String> frames, String msgId, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String frame = frames.poll(5, TimeUnit.SECONDS);
            if (frame == null) {
                continue;
            }
            JsonNode message = JSON.readTree(frame);
            if ("status".equals(message.path("msg_type").asString())
                    && msgId.equals(message.path("parent_header").path("msg_id").asString())
                    && state.equals(message.path("content").path("execution_state").asString())) {
                return;
            }
        }
        throw new AssertionError("the kernel never said " + state + " for the execution");
    }

    private static WebSocket.Listener collector(BlockingQueue<String> frames) {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        };
    }

    private static Event event(String namespace, String object, String reason) {
        return kubernetes().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(event -> reason.equals(event.getReason()) && event.getInvolvedObject() != null
                        && object.equals(event.getInvolvedObject().getName())
                        && "StatefulSet".equals(event.getInvolvedObject().getKind()))
                .findFirst().orElse(null);
    }

    private static String token(String namespace, String notebook) {
        return notebookToken(namespace, notebook);
    }

    private static HttpResponse<String> jupyter(String namespace, String notebook, String method, String url,
                                                String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "token " + token(namespace, notebook))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
