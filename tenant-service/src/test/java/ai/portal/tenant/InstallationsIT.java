package ai.portal.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.portal.platform.team.KueueNames;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.identity.KeycloakFixture;
import ai.portal.tenant.provisioning.KueueProperties;
import ai.portal.tenant.provisioning.KueueResources;
import ai.portal.tenant.provisioning.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
        String teamOfA = "iso-" + UUID.randomUUID().toString().substring(0, 6);
        String teamOfB = "iso-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(a.call(0, "admin", HttpMethod.POST, "/api/v1/teams",
                Map.of("slug", teamOfA, "displayName", "A's team", "owner", "carol")).status()).isEqualTo(201);
        assertThat(b.call(0, "admin", HttpMethod.POST, "/api/v1/teams",
                Map.of("slug", teamOfB, "displayName", "B's team", "owner", "bob")).status()).isEqualTo(201);
        awaitPhase(a, teamOfA, "Ready");
        awaitPhase(b, teamOfB, "Ready");
        Traces beforeA = Traces.of(a.instance, teamOfA);
        Traces beforeB = Traces.of(b.instance, teamOfB);

        // traces that look like a team of each installation that neither database has: orphans
        Traces orphanOfA = orphan(a.instance);
        Traces orphanOfB = orphan(b.instance);
        awaitGone(orphanOfA, Duration.ofMinutes(3));
        awaitGone(orphanOfB, Duration.ofMinutes(3));
        TenantApiTestSupport.sleep(Duration.ofSeconds(15).toMillis()); // several more resyncs of both

        assertThat(Traces.of(a.instance, teamOfA)).as("A's team after both clean-ups").isEqualTo(beforeA);
        assertThat(Traces.of(b.instance, teamOfB)).as("B's team after both clean-ups").isEqualTo(beforeB);
        assertThat(awaitPhase(a, teamOfA, "Ready")).isNotNull();
        assertThat(awaitPhase(b, teamOfB, "Ready")).isNotNull();
    }

    /**
     * What a team of an installation consists of outside the database, by identity (uids and Keycloak ids): the
     * same record later means nothing was deleted and made again. Null where a part does not exist.
     */
    record Traces(String instance, String slug, String namespaceUid, String clusterQueueUid, String localQueueUid, String groupId,
                  String viewersGroupId) {

        static Traces of(String instance, String slug) {
            String namespace = TeamNames.namespace(slug);
            return new Traces(instance, slug, uidOf(cluster.namespaces().withName(namespace).get()),
                    uidOf(cluster.genericKubernetesResources(KueueResources.CLUSTER_QUEUE)
                            .withName(KueueNames.clusterQueue(instance, slug)).get()),
                    uidOf(cluster.genericKubernetesResources(KueueResources.LOCAL_QUEUE).inNamespace(namespace)
                            .withName(KueueNames.LOCAL_QUEUE).get()),
                    KeycloakFixture.group(TeamNames.editorsGroup(slug)).map(GroupRepresentation::getId).orElse(null),
                    KeycloakFixture.group(TeamNames.viewersGroup(slug)).map(GroupRepresentation::getId).orElse(null));
        }

        private static String uidOf(HasMetadata object) {
            return object == null || object.getMetadata().getDeletionTimestamp() != null ? null
                    : object.getMetadata().getUid();
        }
    }

    /**
     * A namespace, a ClusterQueue and a Keycloak group labelled as a team of {@code instance} that its database does
     * not know, as a crash between removing a team's traces and its row would leave them.
     */
    static Traces orphan(String instance) {
        String slug = "orphan-" + UUID.randomUUID().toString().substring(0, 6);
        // read from what each create answers: the eager clean-up may remove a part before the next is made
        Namespace namespace = cluster.resource(new NamespaceBuilder().withNewMetadata()
                .withName(TeamNames.namespace(slug)).withLabels(PortalLabels.teamLabels(instance, slug)).endMetadata()
                .build()).create();
        TeamSnapshot team = new TeamSnapshot(slug, "Orphan", "", TeamState.ACTIVE, Quota.DEFAULT, List.of());
        GenericKubernetesResource queue = cluster.resource(KueueResources.team(instance, team,
                        new KueueProperties(true, false, 8)).stream()
                .filter(object -> "ClusterQueue".equals(object.getKind())).findFirst().orElseThrow()).create();
        GroupRepresentation group = new GroupRepresentation();
        group.setName(TeamNames.editorsGroup(slug));
        group.setAttributes(Map.of(PortalLabels.INSTANCE, List.of(instance), PortalLabels.TEAM, List.of(slug)));
        GroupRepresentation parent = KeycloakFixture.realm().getGroupByPath("/teams");
        String groupId;
        try (var created = KeycloakFixture.realm().groups().group(parent.getId()).subGroup(group)) {
            assertThat(created.getStatus()).as("orphan group created").isEqualTo(201);
            String location = created.getLocation().getPath();
            groupId = location.substring(location.lastIndexOf('/') + 1);
        }
        return new Traces(instance, slug, namespace.getMetadata().getUid(), queue.getMetadata().getUid(), null,
                groupId, null);
    }

    /** The namespace terminating or gone, the ClusterQueue and the group gone. */
    static void awaitGone(Traces orphan, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Traces now = Traces.of(orphan.instance(), orphan.slug());
            if (now.namespaceUid() == null && now.clusterQueueUid() == null && now.groupId() == null) {
                return;
            }
            TenantApiTestSupport.sleep(1000);
        }
        throw new AssertionError("orphan of " + orphan.instance() + " still there after " + timeout + ": "
                + Traces.of(orphan.instance(), orphan.slug()));
    }

    @Test
    void aTeamNamedLikeAnotherInstallationsTeamShowsAnErrorAndTakesNothingOver() {
        String slug = "iso-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(a.call(0, "admin", HttpMethod.POST, "/api/v1/teams",
                Map.of("slug", slug, "displayName", "A's team", "owner", "carol"), slug).status()).isEqualTo(201);
        awaitPhase(a, slug, "Ready");
        String namespaceVersion = cluster.namespaces().withName("team-" + slug).get().getMetadata()
                .getResourceVersion();
        Traces ofA = Traces.of(a.instance, slug);

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
        assertThat(Traces.of(a.instance, slug)).as("A's namespace, queues and groups").isEqualTo(ofA);
        assertThat(cluster.genericKubernetesResources(KueueResources.LOCAL_QUEUE).inNamespace("team-" + slug)
                .withName(KueueNames.LOCAL_QUEUE).get().getMetadata().getLabels())
                .as("the LocalQueue in A's namespace stays A's").containsEntry(PortalLabels.INSTANCE, a.instance);

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
        assertThat(Traces.of(a.instance, slug)).as("A's team after B removed its own").isEqualTo(ofA);
        assertThat(Traces.of(b.instance, slug).clusterQueueUid()).as("B's ClusterQueue for it is gone").isNull();
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
