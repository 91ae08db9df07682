package ai.portal.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import ai.portal.jobs.leader.Leadership;
import ai.portal.jobs.workload.NotebookTokenProperties;
import ai.portal.jobs.workload.NotebookTokens;
import ai.portal.testing.ServiceProcess;
import ai.portal.testing.TestStack;
import ai.portal.testing.Tokens;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Base of the job runner's API tests. The job runner runs in the test JVM on a random port against the suite's real
 * Keycloak, PostgreSQL and Kubernetes cluster (the one {@code KUBECONFIG} of the test stack names); tenant-service
 * runs beside it as a real process ({@link ServiceProcess}), and teams, members and archiving go through its API as
 * an admin with real tokens, so team access is decided exactly as in production. Every test class makes teams with
 * fresh slugs and deletes them afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "portal.jobs.reconcile.resync-period=5s",
        "portal.jobs.history.sweep-period=2s",
        "portal.jobs.usage.sweep-period=2s",
        "portal.teams.cache-for=1s",
        // the suite's cluster runs the VPA recommender (./portal's clusters do)
        "portal.jobs.kubernetes.right-sizing=true"})
public abstract class JobRunnerTestSupport {

    protected static final Tokens TOKENS = Tokens.fromTestStack();
    private static final Map<String, String> TOKEN_CACHE = new ConcurrentHashMap<>();
    private static volatile String tenantUrl;
    private static volatile KubernetesClient kubernetes;
    private static final List<String> TEAMS = new ArrayList<>();

    @Value("${local.server.port}")
    private int port;
    @Autowired
    protected Leadership leadership;
    @Autowired
    protected DatabaseClient db;

    protected WebTestClient client;
    protected WebTestClient tenantClient;

    /**
     * tenant-service's URL: the one of the developer's running stack ({@code ./portal up}) when it answers, else
     * (as under {@code ./portal test}, which runs module tests before it starts the services) a process of its
     * own, once per test JVM.
     */
    protected static synchronized String tenantUrl() {
        if (tenantUrl == null) {
            tenantUrl = runningTenantService().orElseGet(() -> {
                // borrowing on: every team's ClusterQueue joins the installation's cohort, as the borrowing tests
                // need; a team lends only the GPU types it has quota of, and each test has a GPU type of its own
                ServiceProcess tenant = ServiceProcess.start("tenant-service", Map.of("PORTAL_KUEUE_BORROWING", "true"));
                Runtime.getRuntime().addShutdownHook(new Thread(tenant::stop));
                return tenant.baseUrl();
            });
        }
        return tenantUrl;
    }

    private static java.util.Optional<String> runningTenantService() {
        Map<String, Object> stack = TestStack.get().values();
        if (System.getenv("PORTAL_TEST_STACK") != null || stack.get("PORTAL_TENANT_PORT") == null) {
            return java.util.Optional.empty();
        }
        int port = Integer.parseInt(String.valueOf(stack.get("PORTAL_TENANT_PORT")));
        try {
            var health = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + (port + 1100) + "/actuator/health"))
                    .timeout(Duration.ofSeconds(3)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            return health.statusCode() == 200 ? java.util.Optional.of("http://127.0.0.1:" + port)
                    : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("portal.teams.tenant-service-url", JobRunnerTestSupport::tenantUrl);
        registry.add("portal.jobs.kubernetes.kubeconfig", JobRunnerTestSupport::kubeconfig);
        registry.add("portal.notebooks.token-key", () -> TestStack.get().value("NOTEBOOK_TOKEN_KEY"));
        // the stack's Prometheus (it scrapes the node agent's kubelet and DCGM metrics), as ./portal gives the service
        registry.add("portal.prometheus.url", () -> String.valueOf(TestStack.get().values()
                .getOrDefault("PROMETHEUS_URL", "")));
        managementPortPrometheusScrapes().ifPresent(port -> registry.add("management.server.port", () -> port));
    }

    /**
     * The job runner's management port as the suite's Prometheus knows it (the stack's job-runner port + 1100, which
     * it scrapes), when free: {@code ./portal test} runs module tests before it starts the services, so the job runner
     * under test is scraped as the real one would be, and its gateway's request rate reaches the metrics APIs
     * (autoscaling on requests per second). Busy (a developer's {@code ./portal up} job runner): a port of its own.
     */
    private static java.util.Optional<Integer> managementPortPrometheusScrapes() {
        Object jobsPort = TestStack.get().values().get("PORTAL_JOBS_PORT");
        if (jobsPort == null || String.valueOf(jobsPort).isBlank()) {
            return java.util.Optional.empty();
        }
        int port = Integer.parseInt(String.valueOf(jobsPort).strip()) + 1100;
        try (var probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return java.util.Optional.of(port);
        } catch (IOException busy) {
            return java.util.Optional.empty();
        }
    }

    /** The suite's cluster: {@code KUBECONFIG} of the test stack; fails clearly when there is none. */
    protected static String kubeconfig() {
        Object value = TestStack.get().values().get("KUBECONFIG");
        if (value == null || String.valueOf(value).isBlank()) {
            throw new IllegalStateException("KUBECONFIG is not set: the job runner's tests need the local cluster "
                    + "(./portal test starts it; by hand, ./portal up).");
        }
        String file = String.valueOf(value).split(File.pathSeparator)[0];
        if (!new File(file).isFile()) {
            throw new IllegalStateException("KUBECONFIG=" + file + " is not a file");
        }
        return file;
    }

    protected static synchronized KubernetesClient kubernetes() {
        if (kubernetes == null) {
            try {
                kubernetes = new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig())))).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return kubernetes;
    }

    /**
     * The token in the Secret a notebook's pod reads it from (read as the cluster admin, as a member could), after
     * checking that the Secret is the one the job runner derives: named after the token, holding the HMAC of the
     * pod's namespace, name and workload id under the stack's key.
     */
    protected static String notebookToken(String namespace, String name) {
        Pod pod = kubernetes().pods().inNamespace(namespace).withName(name + "-0").get();
        String secretName = pod.getSpec().getContainers().getFirst().getEnv().stream()
                .filter(env -> "JUPYTER_TOKEN".equals(env.getName())).findFirst().orElseThrow()
                .getValueFrom().getSecretKeyRef().getName();
        assertThat(secretName).matches(name + "-token-[0-9a-f]{10}");
        Secret secret = kubernetes().secrets().inNamespace(namespace).withName(secretName).get();
        String token = new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
        NotebookTokens tokens = new NotebookTokens(
                new NotebookTokenProperties(TestStack.get().value("NOTEBOOK_TOKEN_KEY")));
        assertThat(token).as("the derived token").isEqualTo(tokens.token(namespace, name,
                UUID.fromString(pod.getMetadata().getLabels().get("portal.ai/workload-id"))));
        return token;
    }

    protected static String instance() {
        return TestStack.get().value("PORTAL_INSTANCE_ID");
    }

    @BeforeEach
    protected void bindClients() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(60)).build();
        tenantClient = WebTestClient.bindToServer().baseUrl(tenantUrl())
                .responseTimeout(Duration.ofSeconds(60)).build();
    }

    @AfterAll
    static void deleteTeams() {
        synchronized (TEAMS) {
            for (String slug : TEAMS) {
                WebTestClient.bindToServer().baseUrl(tenantUrl()).responseTimeout(Duration.ofSeconds(60))
                        .build().delete().uri("/api/v1/teams/{slug}?force=true", slug)
                        .headers(h -> h.setBearerAuth(token("admin"))).exchange();
            }
            TEAMS.clear();
        }
    }

    /** One token per user, replaced when it has less than a minute left. */
    protected static String token(String user) {
        return TOKEN_CACHE.compute(user, (name, cached) -> cached != null
                && Tokens.claims(cached).path("exp").asLong() > System.currentTimeMillis() / 1000 + 60
                ? cached : TOKENS.userToken(name));
    }

    protected static String subjectOf(String user) {
        return Tokens.claims(token(user)).path("sub").asString();
    }

    protected static String newSlug(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Creates a team through tenant-service with {@code owner} as owner and waits for its namespace. */
    protected String createTeam(String prefix, String owner) {
        String slug = newSlug(prefix);
        synchronized (TEAMS) {
            TEAMS.add(slug);
        }
        tenantClient.post().uri("/api/v1/teams").headers(h -> h.setBearerAuth(token("admin")))
                .bodyValue(Map.of("slug", slug, "displayName", "Team " + slug, "owner", owner))
                .exchange().expectStatus().isCreated();
        awaitTrue("namespace team-" + slug, () -> kubernetes().namespaces().withName("team-" + slug).get() != null);
        return slug;
    }

    protected void addMember(String slug, String user, String role) {
        tenantClient.post().uri("/api/v1/teams/{slug}/members", slug).headers(h -> h.setBearerAuth(token("admin")))
                .bodyValue(Map.of("username", user, "role", role))
                .exchange().expectStatus().isCreated();
    }

    protected void archive(String slug) {
        tenantClient.post().uri("/api/v1/teams/{slug}/archive", slug).headers(h -> h.setBearerAuth(token("admin")))
                .exchange().expectStatus().isOk();
        awaitTrue("namespace team-" + slug + " labelled archived", () -> {
            var namespace = kubernetes().namespaces().withName("team-" + slug).get();
            return namespace != null && "true".equals(namespace.getMetadata().getLabels().get("portal.ai/archived"));
        });
    }

    protected WebTestClient.ResponseSpec get(String user, String uri, Object... vars) {
        return client.get().uri(uri, vars).headers(h -> h.setBearerAuth(token(user))).exchange();
    }

    protected WebTestClient.ResponseSpec send(String user, HttpMethod method, String uri, Object body,
                                              Object... vars) {
        var request = client.method(method).uri(uri, vars).headers(h -> h.setBearerAuth(token(user)));
        return body == null ? request.exchange() : request.bodyValue(body).exchange();
    }

    protected JsonNode json(WebTestClient.ResponseSpec response, HttpStatus status) {
        return response.expectStatus().isEqualTo(status).expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    /** Expects a problem detail with this status (and field, when given); returns it. */
    protected static JsonNode expectProblem(WebTestClient.ResponseSpec response, HttpStatus status, String field) {
        JsonNode problem = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        org.assertj.core.api.Assertions.assertThat(problem.path("status").asInt()).isEqualTo(status.value());
        org.assertj.core.api.Assertions.assertThat(problem.path("detail").asString()).isNotBlank();
        if (field != null) {
            org.assertj.core.api.Assertions.assertThat(problem.path("field").asString()).isEqualTo(field);
        }
        return problem;
    }

    /** Audit rows of a team for one action, newest first (straight from the database). */
    protected List<Map<String, Object>> auditRows(String team, String action) {
        return db.sql("select * from audit_event where team_slug = :team and action = :action order by id desc")
                .bind("team", team).bind("action", action).fetch().all().collectList().block();
    }

    protected long workloadRows(String team) {
        return db.sql("select count(*) as n from workload where team_slug = :team").bind("team", team)
                .map(row -> row.get("n", Long.class)).one().block();
    }

    protected void awaitLeader() {
        awaitTrue("this job runner to lead", () -> leadership.isLeader());
    }

    protected static void awaitTrue(String what, Supplier<Boolean> condition) {
        await(what, condition, Boolean::booleanValue, Duration.ofSeconds(90));
    }

    protected static <T> T await(String what, Supplier<T> probe, Predicate<T> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                if (last != null && done.test(last)) {
                    return last;
                }
            } catch (RuntimeException | AssertionError notYet) {
                // keep trying until the deadline
            }
            sleep(250);
        }
        throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last seen: " + last);
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
