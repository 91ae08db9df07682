package ai.portal.tenant.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.http.HttpMethod.DELETE;

import java.time.Duration;

import ai.portal.tenant.TenantApiTestSupport;
import ai.portal.tenant.identity.KeycloakFixture;
import ai.portal.tenant.provisioning.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

/**
 * The service with {@code portal.provisioning.enabled=false} (PORTAL_PROVISIONING_ENABLED=false): no cluster at all,
 * only the database and Keycloak. It starts (it did not: the usage and the team deletion asked for a cluster view
 * that does not exist then), teams get their groups and become Ready, usage is empty, deletion needs no force, and
 * the cluster is never touched.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "portal.provisioning.enabled=false")
class WithoutClusterTest extends TenantApiTestSupport {

    @Autowired
    ObjectProvider<KubernetesClient> kubernetes;

    @Test
    void teamsWorkWithoutAClusterAndNoNamespaceIsMade() {
        assertThat(kubernetes.getIfAvailable()).as("no cluster client at all").isNull();
        String slug = newSlug("nocluster");
        createTeam(slug, "carol");
        awaitPhase(slug, "Ready");
        assertThat(KeycloakFixture.memberUsernames("team-" + slug)).containsExactly("carol");

        JsonNode usage = get("carol", "/api/v1/teams/{slug}/quota/usage", slug).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(usage).as("usage without a cluster").isNotNull();
        get("admin", "/api/v1/gpu-types").expectStatus().isOk();

        send("admin", DELETE, "/api/v1/teams/{slug}", null, slug).expectStatus().isAccepted();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (get("admin", "/api/v1/teams/{slug}", slug).returnResult(byte[].class).getStatus().value() != 404) {
            assertThat(System.nanoTime()).as(slug + " is removed").isLessThan(deadline);
            sleep(500);
        }
        assertThat(KeycloakFixture.group("team-" + slug)).as("its groups are removed").isEmpty();
        try (KubernetesClient cluster = TestCluster.connect()) {
            assertThat(cluster.namespaces().withName("team-" + slug).get()).as("the cluster is left alone").isNull();
        }
    }
}
