package ai.portal.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.portal.platform.team.PortalLabels;
import ai.portal.tenant.provisioning.KueueResources;
import ai.portal.tenant.provisioning.TestCluster;
import ai.portal.testing.ServiceProcess;
import ai.portal.testing.TestStack;
import ai.portal.testing.Tokens;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One installation of tenant-service for the integration tests, run as real processes from its boot jar: its own
 * installation id and its own database schema, so several installations share the suite's PostgreSQL, Keycloak and
 * cluster as they would share a real one. One or more replicas; {@link #close} deletes its teams through its own
 * API, stops it and drops its schema.
 */
final class TenantInstallation implements AutoCloseable {

    private static final Tokens TOKENS = Tokens.fromTestStack();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    final String instance;
    final String schema;
    final List<ServiceProcess> replicas = new ArrayList<>();
    private final Map<String, String> environment;
    private final Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();

    private TenantInstallation(String instance, Map<String, String> environment) {
        this.instance = instance;
        this.schema = "tenant_" + instance.replace('-', '_');
        this.environment = environment;
    }

    /**
     * Starts {@code replicas} processes of a new installation {@code <prefix>-<random>} with the given Spring
     * properties on top of the suite's settings.
     */
    static TenantInstallation start(String prefix, int replicas, Map<String, String> properties) {
        TestCluster.kubeconfigFile(); // never against a cluster the project did not start
        String instance = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        TestStack stack = TestStack.get();
        Map<String, Object> json = new LinkedHashMap<>(properties);
        String schema = "tenant_" + instance.replace('-', '_');
        String database = stack.databaseHost() + ":" + stack.databasePort() + "/" + stack.value("PORTAL_DB_NAME");
        json.put("spring.r2dbc.url", "r2dbc:postgresql://" + database + "?schema=" + schema);
        json.put("spring.flyway.schemas", schema);
        json.put("spring.flyway.default-schema", schema);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PORTAL_INSTANCE_ID", instance);
        environment.put("SPRING_APPLICATION_JSON", JSON.writeValueAsString(json));
        TenantInstallation installation = new TenantInstallation(instance, environment);
        for (int i = 0; i < replicas; i++) {
            installation.replicas.add(ServiceProcess.start("tenant-service", environment));
        }
        return installation;
    }

    ServiceProcess replica(int index) {
        return replicas.get(index);
    }

    WebTestClient client(int replica) {
        return WebTestClient.bindToServer().baseUrl(replicas.get(replica).baseUrl())
                .responseTimeout(Duration.ofSeconds(60)).build();
    }

    String token(String user) {
        return tokens.compute(user, (name, cached) -> cached != null
                && Tokens.claims(cached).path("exp").asLong() > System.currentTimeMillis() / 1000 + 60
                ? cached : TOKENS.userToken(name));
    }

    /** An API call as {@code user}; the status and body, or status 0 when the replica did not answer. */
    Answer call(int replica, String user, HttpMethod method, String uri, Object body, Object... vars) {
        try {
            var request = client(replica).method(method).uri(uri, vars).headers(h -> h.setBearerAuth(token(user)));
            EntityExchangeResult<byte[]> result = (body == null ? request.exchange() : request.bodyValue(body)
                    .exchange()).expectBody().returnResult();
            byte[] content = result.getResponseBody();
            return new Answer(result.getStatus().value(),
                    content == null || content.length == 0 ? null : JSON.readTree(content));
        } catch (RuntimeException | AssertionError unreachable) {
            return new Answer(0, null);
        }
    }

    JsonNode get(int replica, String uri, Object... vars) {
        Answer answer = call(replica, "admin", HttpMethod.GET, uri, null, vars);
        assertThat(answer.status()).as("GET " + uri).isEqualTo(200);
        return answer.body();
    }

    /** The replica's {@code /actuator/health} (management port), components included. */
    JsonNode health(int replica) {
        var answer = WebTestClient.bindToServer().baseUrl(replicas.get(replica).managementUrl())
                .responseTimeout(Duration.ofSeconds(30)).build()
                .get().uri("/actuator/health").exchange().expectBody().returnResult();
        return JSON.readTree(answer.getResponseBody());
    }

    /** How many team reconcile runs the replica has made since it started (its Prometheus metrics). */
    long reconcileRuns(int replica) {
        var answer = WebTestClient.bindToServer().baseUrl(replicas.get(replica).managementUrl())
                .responseTimeout(Duration.ofSeconds(30)).build()
                .get().uri("/actuator/prometheus").exchange().expectBody(String.class).returnResult();
        assertThat(answer.getStatus().value()).as("/actuator/prometheus").isEqualTo(200);
        double runs = 0;
        for (String line : answer.getResponseBody().split("\n")) {
            if (line.startsWith("portal_team_reconcile_seconds_count")) {
                runs += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) runs;
    }

    /** The index of the replica whose health says it leads, or -1 when none does. */
    int leader() {
        for (int i = 0; i < replicas.size(); i++) {
            if (replicas.get(i).isAlive()
                    && health(i).path("components").path("reconciler").path("details").path("leader").asBoolean()) {
                return i;
            }
        }
        return -1;
    }

    /** A team's phase as its installation reports it, or null when there is no such team. */
    String phase(int replica, String slug) {
        Answer answer = call(replica, "admin", HttpMethod.GET, "/api/v1/teams/{slug}", null, slug);
        return answer.status() == 200 ? answer.body().path("status").path("phase").asString() : null;
    }

    JsonNode team(int replica, String slug) {
        return call(replica, "admin", HttpMethod.GET, "/api/v1/teams/{slug}", null, slug).body();
    }

    Connection database() throws SQLException {
        TestStack stack = TestStack.get();
        Connection connection = DriverManager.getConnection("jdbc:postgresql://" + stack.databaseHost() + ":"
                        + stack.databasePort() + "/" + stack.value("PORTAL_DB_NAME"), stack.value("PORTAL_DB_USER"),
                stack.value("PORTAL_DB_PASSWORD"));
        connection.createStatement().execute("set search_path to " + schema);
        return connection;
    }

    /** Deletes every team through the API, waits until they are gone, stops the replicas, drops the schema. */
    @Override
    public void close() {
        int alive = -1;
        for (int i = 0; i < replicas.size(); i++) {
            if (replicas.get(i).isAlive()) {
                alive = i;
            }
        }
        if (alive >= 0) {
            int replica = alive;
            Answer teams = call(replica, "admin", HttpMethod.GET, "/api/v1/teams", null);
            if (teams.status() == 200) {
                teams.body().forEach(team -> call(replica, "admin", HttpMethod.DELETE,
                        "/api/v1/teams/{slug}?force=true", null, team.path("slug").asString()));
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (System.nanoTime() < deadline) {
                    Answer left = call(replica, "admin", HttpMethod.GET, "/api/v1/teams", null);
                    if (left.status() == 200 && left.body().isEmpty()) {
                        break;
                    }
                    TenantApiTestSupport.sleep(1000);
                }
            }
        }
        replicas.forEach(ServiceProcess::stop);
        // what the installation shares between its teams outlives them: the Kueue flavors and priority classes
        try (KubernetesClient cluster = TestCluster.connect()) {
            for (ResourceDefinitionContext kind : List.of(KueueResources.CLUSTER_QUEUE, KueueResources.RESOURCE_FLAVOR,
                    KueueResources.WORKLOAD_PRIORITY_CLASS)) {
                if (cluster.supports(kind.getGroup() + "/" + kind.getVersion(), kind.getKind())) {
                    cluster.genericKubernetesResources(kind).withLabel(PortalLabels.INSTANCE, instance).delete();
                }
            }
        }
        try (Connection connection = database()) {
            connection.createStatement().execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop schema " + schema, e);
        }
    }

    record Answer(int status, JsonNode body) {
    }
}
