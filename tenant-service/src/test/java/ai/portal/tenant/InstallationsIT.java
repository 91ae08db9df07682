package ai.portal.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.portal.platform.team.PortalLabels;
import ai.portal.tenant.identity.KeycloakFixture;
import ai.portal.tenant.provisioning.TestCluster;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.GroupRepresentation;
import org.springframework.http.HttpMethod;

/**
 * Two installations of the portal on one cluster and one Keycloak realm (staging and production, say), each with its
 * own database, never touch each other's teams: each one's clean-up removes its own orphans at once (no grace here)
 * and leaves the other's objects alone, and a team named like the other installation's shows an error instead of
 * taking its namespace and groups over.
 */
class InstallationsIT {

    static final Map<String, String> EAGER_CLEAN_UP = Map.of("portal.reconcile.orphan-grace", "0s",
            "portal.reconcile.resync-period", "5s");

    static TenantInstallation a;
    static TenantInstallation b;
    static KubernetesClient cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.connect();
        a = TenantInstallation.start("iso-a", 1, EAGER_CLEAN_UP);
        b = TenantInstallation.start("iso-b", 1, EAGER_CLEAN_UP);
    }

    @AfterAll
    static void stop() {
        for (TenantInstallation installation : new TenantInstallation[] {a, b}) {
            if (installation != null) {
                installation.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eachInstallationsCleanUpRemovesOnlyItsOwnOrphansAndLeavesTheOthersTeamsAlone() {
        String slug = "iso-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(a.call(0, "admin", HttpMethod.POST, "/api/v1/teams",
                Map.of("slug", slug, "displayName", "A's team", "owner", "carol"), slug).status()).isEqualTo(201);
        awaitPhase(a, slug, "Ready");
        Namespace before = cluster.namespaces().withName("team-" + slug).get();
        // traces that look like a team of each installation that neither database has: orphans
        String orphanOfA = orphanNamespace(a.instance);
        String orphanOfB = orphanNamespace(b.instance);

        awaitGone(orphanOfA, Duration.ofMinutes(2));
        awaitGone(orphanOfB, Duration.ofMinutes(2));
        TenantApiTestSupport.sleep(Duration.ofSeconds(15).toMillis()); // several more resyncs of both

        Namespace after = cluster.namespaces().withName("team-" + slug).get();
        assertThat(after.getMetadata().getDeletionTimestamp()).as("A's team namespace survives B's clean-up").isNull();
        assertThat(after.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
        assertThat(after.getMetadata().getLabels()).containsEntry(PortalLabels.INSTANCE, a.instance);
        assertThat(KeycloakFixture.group("team-" + slug)).as("A's group survives B's clean-up").isPresent();
        assertThat(awaitPhase(a, slug, "Ready")).isNotNull();
    }

    @Test
    void aTeamNamedLikeAnotherInstallationsTeamShowsAnErrorAndTakesNothingOver() {
        String slug = "iso-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(a.call(0, "admin", HttpMethod.POST, "/api/v1/teams",
                Map.of("slug", slug, "displayName", "A's team", "owner", "carol"), slug).status()).isEqualTo(201);
        awaitPhase(a, slug, "Ready");
        String namespaceVersion = cluster.namespaces().withName("team-" + slug).get().getMetadata()
                .getResourceVersion();

        assertThat(b.call(0, "admin", HttpMethod.POST, "/api/v1/teams",
                Map.of("slug", slug, "displayName", "B's team", "owner", "bob"), slug).status()).isEqualTo(201);
        var team = awaitPhase(b, slug, "Error");

        assertThat(team.path("status").path("message").asString())
                .contains("belongs to another AI Portal installation (portal.ai/instance=" + a.instance + ")");
        assertThat(cluster.namespaces().withName("team-" + slug).get().getMetadata().getResourceVersion())
                .as("A's namespace unchanged").isEqualTo(namespaceVersion);
        GroupRepresentation group = KeycloakFixture.group("team-" + slug).orElseThrow();
        assertThat(group.getAttributes()).containsEntry("portal.ai/instance", List.of(a.instance));
        assertThat(KeycloakFixture.memberUsernames("team-" + slug)).as("A's members only").containsExactly("carol");

        // B deleting its team removes nothing of A's
        assertThat(b.call(0, "admin", HttpMethod.DELETE, "/api/v1/teams/{slug}?force=true", null, slug).status())
                .isEqualTo(202);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (b.phase(0, slug) != null && System.nanoTime() < deadline) {
            TenantApiTestSupport.sleep(1000);
        }
        assertThat(b.phase(0, slug)).as("B's team is gone").isNull();
        assertThat(cluster.namespaces().withName("team-" + slug).get().getMetadata().getDeletionTimestamp()).isNull();
        assertThat(KeycloakFixture.memberUsernames("team-" + slug)).containsExactly("carol");
        assertThat(awaitPhase(a, slug, "Ready")).isNotNull();
    }

    /** A namespace labelled as a team of {@code instance} that its database does not know. */
    static String orphanNamespace(String instance) {
        String slug = "orphan-" + UUID.randomUUID().toString().substring(0, 6);
        cluster.resource(new NamespaceBuilder().withNewMetadata().withName("team-" + slug)
                .withLabels(PortalLabels.teamLabels(instance, slug)).endMetadata().build()).create();
        return "team-" + slug;
    }

    static void awaitGone(String namespace, Duration timeout) {
        cluster.namespaces().withName(namespace).waitUntilCondition(
                ns -> ns == null || ns.getMetadata().getDeletionTimestamp() != null,
                timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    }

    static tools.jackson.databind.JsonNode awaitPhase(TenantInstallation installation, String slug, String phase) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        tools.jackson.databind.JsonNode team = null;
        while (System.nanoTime() < deadline) {
            team = installation.team(0, slug);
            if (team != null && phase.equals(team.path("status").path("phase").asString())) {
                return team;
            }
            TenantApiTestSupport.sleep(1000);
        }
        throw new AssertionError(slug + " never reached " + phase + " in " + installation.instance + ": " + team);
    }
}
