package ai.portal.jobs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import ai.portal.jobs.KueueTestSupport;
import ai.portal.testing.TestStack;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real JupyterLab (the catalogue's SciPy image, run as a process by the local cluster's node agent) behind the
 * proxy: a member signs in through Keycloak's form and reaches Jupyter's REST API and a kernel over WebSockets
 * ({@code 6*7} gives 42); a viewer and another team's member get the 403 page; a member removed from the team is
 * refused on the next request and their open kernel socket is closed; the notebook's token never reaches the browser.
 *
 * <p>The job runner listens on the stack's job runner port here, because Keycloak's redirect URI for the proxy
 * names it ({@code PORTAL_NOTEBOOKS_URL}); under {@code ./portal test} the stack's own job runner is not running
 * yet while module tests run.
 */
class NotebookProxyTest extends KueueTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void proxy(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> TestStack.get().value("PORTAL_JOBS_PORT"));
        registry.add("portal.notebooks.proxy.client-secret",
                () -> TestStack.get().value("NOTEBOOK_PROXY_CLIENT_SECRET"));
        registry.add("portal.notebooks.proxy.recheck-period", () -> "5s");
    }

    private static String origin() {
        return "http://localhost:" + TestStack.get().value("PORTAL_JOBS_PORT");
    }

    private static String password(String user) {
        return TestStack.get().value(user.toUpperCase() + "_PASSWORD");
    }

    @Test
    void membersReachJupyterOverHttpAndWebSocketsOthersGetTheRefusalPageAndRemovalEndsAccess() throws Exception {
        String team = teamWithQuota("nbp", "alice", Map.of(), 2, false);
        String other = createTeam("nbo", "carol");
        addMember(team, "bob", "member");
        json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", Map.of("name", "lab",
                "image", "scipy", "cpu", "1", "memory", "2Gi"), team), HttpStatus.CREATED);
        String base = "/notebooks/" + team + "/lab/";

        // not signed in: sent to sign in, not to the notebook
        NotebookBrowser anonymous = new NotebookBrowser(origin());
        HttpResponse<String> unsigned = anonymous.get(base + "api/status");
        assertThat(unsigned.statusCode()).isEqualTo(302);
        assertThat(unsigned.headers().firstValue("Location").orElse("")).contains("/oauth2/authorization/notebooks");

        NotebookBrowser bob = new NotebookBrowser(origin());
        HttpResponse<String> status = await("Jupyter answering through the proxy", () -> {
            var answer = bob.open(base + "api/status", "bob", password("bob"));
            return answer.statusCode() == 200 ? answer : null;
        }, answer -> true, Duration.ofSeconds(240));
        assertThat(JSON.readTree(status.body()).has("kernels")).isTrue();
        // Jupyter's own page with its base URL: the proxy path is the notebook's URL
        HttpResponse<String> lab = bob.open(base + "lab", "bob", password("bob"));
        assertThat(lab.statusCode()).as("%s %s %s", lab.uri(), lab.headers().map(),
                lab.body().substring(0, Math.min(600, lab.body().length()))).isEqualTo(200);
        assertThat(lab.body()).contains("\"baseUrl\": \"" + base + "\"");
        String token = notebookToken("team-" + team, "lab");
        assertThat(lab.body()).doesNotContain(token);
        assertThat(lab.headers().map().toString()).doesNotContain(token);

        // a change from another site is refused before it reaches Jupyter
        assertThat(bob.post(base + "api/kernels", "{}", "http://evil.example").statusCode()).isEqualTo(403);
        HttpResponse<String> kernel = bob.post(base + "api/kernels", "{}", origin());
        assertThat(kernel.statusCode()).isEqualTo(201);
        String kernelId = JSON.readTree(kernel.body()).path("id").asString();

        NotebookBrowser.Socket socket = bob.socket(base + "api/kernels/" + kernelId + "/channels");
        String msgId = UUID.randomUUID().toString();
        socket.send(JSON.writeValueAsString(Map.of(
                "header", Map.of("msg_id", msgId, "username", "bob", "session", UUID.randomUUID().toString(),
                        "msg_type", "execute_request", "version", "5.3"),
                "parent_header", Map.of(), "metadata", Map.of(), "channel", "shell", "buffers", java.util.List.of(),
                "content", Map.of("code", "6*7", "silent", false, "store_history", false,
                        "user_expressions", Map.of(), "allow_stdin", false, "stop_on_error", true))));
        String result = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (result == null && System.nanoTime() < deadline) {
            String frame = socket.frames.poll(5, TimeUnit.SECONDS);
            if (frame == null) {
                continue;
            }
            JsonNode message = JSON.readTree(frame);
            if ("execute_result".equals(message.path("msg_type").asString())
                    && msgId.equals(message.path("parent_header").path("msg_id").asString())) {
                result = message.path("content").path("data").path("text/plain").asString();
            }
        }
        assertThat(result).isEqualTo("42");

        // another team's member, and a viewer, get the 403 page and never Jupyter
        NotebookBrowser carol = new NotebookBrowser(origin());
        HttpResponse<String> outsider = carol.open(base + "api/status", "carol", password("carol"));
        assertThat(outsider.statusCode()).isEqualTo(403);
        assertThat(outsider.body()).contains("notebook-proxy-error").doesNotContain("kernels");
        addMember(team, "carol", "viewer");
        sleep(1500); // the team directory's answers are cached for a second in tests
        assertThat(carol.get(base + "api/status").statusCode()).isEqualTo(403);
        assertThat(carol.get(base + "lab").body()).contains("Only owners and members of team " + team);

        // bob removed: refused on his next request, his kernel socket closed within a minute
        tenantClient.delete().uri("/api/v1/teams/{slug}/members/{user}", team, "bob")
                .headers(h -> h.setBearerAuth(token("admin"))).exchange().expectStatus().is2xxSuccessful();
        await("bob's next request to be refused", () -> bob.get(base + "api/status").statusCode(),
                code -> code == 403, Duration.ofSeconds(30));
        assertThat(socket.closed.get(60, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(other).isNotBlank();
    }

    /**
     * A notebook made before the job runner derived tokens: its pod reads a random token from {@code <name>-token}.
     * The job runner cannot read that Secret; its next full pass points the StatefulSet at the derived Secret (the
     * pod restarts with the derived token), deletes the old Secret by name, and JupyterLab answers through the proxy.
     */
    @Test
    void aNotebookWithALegacyRandomTokenMovesToTheDerivedTokenAndOpensThroughTheProxy() throws Exception {
        String team = teamWithQuota("nbl", "alice", Map.of(), 2, false);
        String ns = "team-" + team;
        json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", Map.of("name", "old",
                "image", "scipy", "cpu", "1", "memory", "2Gi"), team), HttpStatus.CREATED);
        awaitTrue("the notebook's StatefulSet", () -> kubernetes().apps().statefulSets().inNamespace(ns)
                .withName("old").get() != null);

        // what the job runner made before: a random token in <name>-token, the pod pointed at it
        var set = kubernetes().apps().statefulSets().inNamespace(ns).withName("old").get();
        Map<String, String> labels = new java.util.HashMap<>(set.getSpec().getTemplate().getMetadata().getLabels());
        kubernetes().secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("old-token").withLabels(labels).endMetadata()
                .addToStringData("token", UUID.randomUUID().toString().replace("-", "")).build()).create();
        // a JSON patch, not edit(): the StatefulSet controller writes its status meanwhile, and edit's optimistic
        // lock then fails with 409 (seen in CI)
        var podEnv = set.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv();
        int tokenAt = podEnv.indexOf(podEnv.stream().filter(e -> "JUPYTER_TOKEN".equals(e.getName())).findFirst()
                .orElseThrow());
        kubernetes().apps().statefulSets().inNamespace(ns).withName("old").patch(
                PatchContext.of(PatchType.JSON),
                "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/env/" + tokenAt
                        + "/valueFrom/secretKeyRef/name\",\"value\":\"old-token\"}]");

        awaitTrue("the legacy token Secret to be deleted by the job runner",
                () -> kubernetes().secrets().inNamespace(ns).withName("old-token").get() == null);
        String derived = kubernetes().apps().statefulSets().inNamespace(ns).withName("old").get().getSpec()
                .getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                .filter(env -> "JUPYTER_TOKEN".equals(env.getName())).findFirst().orElseThrow()
                .getValueFrom().getSecretKeyRef().getName();
        assertThat(derived).matches("old-token-[0-9a-f]{10}");

        NotebookBrowser alice = new NotebookBrowser(origin());
        String base = "/notebooks/" + team + "/old/";
        HttpResponse<String> status = await("Jupyter answering through the proxy with the derived token", () -> {
            var answer = alice.open(base + "api/status", "alice", password("alice"));
            return answer.statusCode() == 200 ? answer : null;
        }, answer -> true, Duration.ofSeconds(240));
        assertThat(JSON.readTree(status.body()).has("kernels")).isTrue();
        notebookToken(ns, "old");
    }
}
