package ai.portal.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ai.portal.platform.team.PortalLabels;
import ai.portal.tenant.TenantInstallation.Answer;
import ai.portal.tenant.identity.KeycloakFixture;
import ai.portal.tenant.provisioning.KueueResources;
import ai.portal.tenant.provisioning.TestCluster;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.springframework.http.HttpMethod;

/**
 * tenant-service is killed for real (SIGKILL: no shutdown hook, no flush) at random points of a burst of 100 team
 * creations, deletions, member and quota changes sent from four clients at once, and started again each time. Then,
 * once it has converged, the cluster, Keycloak and the database must agree: every team of the database has its
 * namespace, quota and groups with exactly its members, and nothing of this installation exists that the database
 * does not have (no orphans), nothing twice.
 */
class CrashIT {

    static final int OPERATIONS = 100;
    static final int KILLS = 3;
    static final List<String> PEOPLE = List.of("alice", "bob", "guest");

    static TenantInstallation tenant;
    static KubernetesClient cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.connect();
        tenant = TenantInstallation.start("crash", 1, Map.of());
    }

    @AfterAll
    static void stop() {
        if (tenant != null) {
            tenant.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void afterKillsDuringABurstTheClusterKeycloakAndTheDatabaseAgree() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("CrashIT seed " + seed + ", installation " + tenant.instance);
        List<String> slugs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            slugs.add("crash-" + Integer.toString(i, 36) + "-" + tenant.instance.substring(tenant.instance.length() - 4));
        }
        Set<Integer> killAt = new TreeSet<>();
        while (killAt.size() < KILLS) {
            killAt.add(10 + random.nextInt(OPERATIONS - 20));
        }
        AtomicInteger sent = new AtomicInteger();
        List<Duration> restarts = new java.util.concurrent.CopyOnWriteArrayList<>();
        long burstStarted = System.nanoTime();
        AtomicReference<CountDownLatch> up = new AtomicReference<>(new CountDownLatch(0));
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> burst = new ArrayList<>();
        for (int client = 0; client < 4; client++) {
            long clientSeed = random.nextLong();
            burst.add(clients.submit(() -> {
                Random own = new Random(clientSeed);
                int op;
                while ((op = sent.incrementAndGet()) <= OPERATIONS) {
                    if (killAt.contains(op)) {
                        // the other clients' requests in flight die with it; they wait for the restart. One kill
                        // at a time: a second kill must not hit the process the first one is starting again
                        CountDownLatch restarted = new CountDownLatch(1);
                        up.set(restarted);
                        synchronized (tenant) {
                            tenant.replica(0).kill();
                            outcomes.computeIfAbsent("kill", k -> new AtomicInteger()).incrementAndGet();
                            long killed = System.nanoTime();
                            tenant.replica(0).restart();
                            restarts.add(Duration.ofNanos(System.nanoTime() - killed));
                        }
                        restarted.countDown();
                    }
                    up.get().await();
                    Answer answer = operation(own, slugs.get(own.nextInt(slugs.size())));
                    outcomes.computeIfAbsent(String.valueOf(answer.status()), k -> new AtomicInteger())
                            .incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> client : burst) {
            client.get();
        }
        clients.shutdown();
        System.out.println("CrashIT outcomes by status: " + outcomes);
        assertThat(outcomes.get("kill").get()).isEqualTo(KILLS);
        if (!tenant.replica(0).isAlive()) {
            tenant.replica(0).restart();
        }

        long burstEnded = System.nanoTime();
        awaitAgreement(Duration.ofMinutes(8));
        long converged = System.nanoTime();
        System.out.printf("CrashIT figures: %d operations, %d kills (SIGKILL); burst %.1f s; restarts (kill -> "
                        + "healthy) %s; cluster, Keycloak and database agree %.1f s after the burst%n", OPERATIONS,
                KILLS, (burstEnded - burstStarted) / 1e9,
                restarts.stream().map(d -> String.format("%.1f s", d.toMillis() / 1000.0)).toList(),
                (converged - burstEnded) / 1e9);
    }

    /** One random change of one team, as the admin; some are refused (a team that does not exist yet, say). */
    static Answer operation(Random random, String slug) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> tenant.call(0, "admin", HttpMethod.POST, "/api/v1/teams", Map.of("slug", slug,
                    "displayName", "Crash " + slug, "owner", "carol"));
            case 3, 4 -> tenant.call(0, "admin", HttpMethod.POST, "/api/v1/teams/{slug}/members",
                    Map.of("username", PEOPLE.get(random.nextInt(PEOPLE.size())),
                            "role", List.of("member", "viewer", "owner").get(random.nextInt(3))), slug);
            case 5 -> tenant.call(0, "admin", HttpMethod.DELETE, "/api/v1/teams/{slug}/members/{user}", null, slug,
                    PEOPLE.get(random.nextInt(PEOPLE.size())));
            case 6, 7 -> tenant.call(0, "admin", HttpMethod.PUT, "/api/v1/teams/{slug}/quota?force=true",
                    Map.of("cpu", Integer.toString(1 + random.nextInt(64)), "memory", (1 + random.nextInt(64)) + "Gi",
                            "storage", "100Gi", "pvcs", 10, "maxNotebooks", 2,
                            "gpus", Map.of("NVIDIA-A100-SXM4-80GB", random.nextInt(4))), slug);
            case 8 -> tenant.call(0, "admin", HttpMethod.POST, "/api/v1/teams/{slug}/"
                    + (random.nextBoolean() ? "archive" : "unarchive"), null, slug);
            default -> tenant.call(0, "admin", HttpMethod.DELETE, "/api/v1/teams/{slug}?force=true", null, slug);
        };
    }

    /**
     * Waits until every team of the installation is Ready and the cluster, Keycloak and the database agree; fails with
     * the last disagreement. A team's phase alone is not enough: it says its syncs converged once, not that they saw
     * the last change.
     */
    static void awaitAgreement(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            try {
                assertEveryTeamReady();
                assertClusterKeycloakAndDatabaseAgree();
                return;
            } catch (AssertionError disagreement) {
                last = disagreement;
            }
            TenantApiTestSupport.sleep(3000);
        }
        throw new AssertionError("cluster, Keycloak and database still disagree after " + timeout, last);
    }

    static void assertEveryTeamReady() {
        Answer teams = tenant.call(0, "admin", HttpMethod.GET, "/api/v1/teams", null);
        assertThat(teams.status()).as("GET /api/v1/teams").isEqualTo(200);
        List<String> notReady = new ArrayList<>();
        teams.body().forEach(team -> {
            if (!"Ready".equals(team.path("status").path("phase").asString())) {
                notReady.add(team.path("slug").asString() + "=" + team.path("status").path("phase").asString()
                        + " " + team.path("status").path("message").asString());
            }
        });
        assertThat(notReady).as("teams not Ready").isEmpty();
    }

    static void assertClusterKeycloakAndDatabaseAgree() throws Exception {
        Map<String, Map<String, String>> membersBySlug = new TreeMap<>();
        Map<String, String> stateBySlug = new TreeMap<>();
        Map<String, String> cpuBySlug = new TreeMap<>();
        try (Connection db = tenant.database()) {
            ResultSet teams = db.createStatement().executeQuery("select slug, state from team");
            while (teams.next()) {
                stateBySlug.put(teams.getString(1), teams.getString(2));
                membersBySlug.put(teams.getString(1), new TreeMap<>());
            }
            ResultSet members = db.createStatement().executeQuery("select team_slug, username, role from team_member");
            while (members.next()) {
                membersBySlug.get(members.getString(1)).put(members.getString(2), members.getString(3));
            }
            ResultSet quotas = db.createStatement().executeQuery("select team_slug, cpu from team_quota");
            while (quotas.next()) {
                cpuBySlug.put(quotas.getString(1), quotas.getString(2));
            }
        }
        assertThat(stateBySlug.values()).as("nothing left half-deleted").doesNotContain("deleting");

        // the cluster: one live namespace of this installation per team, no other
        Set<String> namespaces = new TreeSet<>();
        for (Namespace namespace : cluster.namespaces().withLabel(PortalLabels.INSTANCE, tenant.instance).list()
                .getItems()) {
            if (namespace.getMetadata().getDeletionTimestamp() == null) {
                namespaces.add(namespace.getMetadata().getLabels().get(PortalLabels.TEAM));
            }
        }
        assertThat(namespaces).as("namespaces of this installation").isEqualTo(stateBySlug.keySet());
        for (String slug : stateBySlug.keySet()) {
            Namespace namespace = cluster.namespaces().withName("team-" + slug).get();
            assertThat(namespace.getMetadata().getLabels().containsKey("portal.ai/archived"))
                    .as(slug + " archived label").isEqualTo("archived".equals(stateBySlug.get(slug)));
            ResourceQuota quota = cluster.resourceQuotas().inNamespace("team-" + slug).withName("team-quota").get();
            assertThat(quota).as(slug + " ResourceQuota").isNotNull();
            assertThat(quota.getSpec().getHard().get("requests.cpu").toString()).as(slug + " cpu quota")
                    .isEqualTo(cpuBySlug.get(slug));
        }

        // Kueue: one ClusterQueue of this installation per team, no other
        Set<String> queues = new TreeSet<>();
        cluster.genericKubernetesResources(KueueResources.CLUSTER_QUEUE).withLabel(PortalLabels.INSTANCE, tenant.instance)
                .list().getItems().stream().filter(queue -> queue.getMetadata().getDeletionTimestamp() == null)
                .forEach(queue -> queues.add(queue.getMetadata().getLabels().get(PortalLabels.TEAM)));
        assertThat(queues).as("ClusterQueues of this installation").isEqualTo(stateBySlug.keySet());
        List<String> localQueues = new ArrayList<>();
        cluster.genericKubernetesResources(KueueResources.LOCAL_QUEUE).inAnyNamespace()
                .withLabel(PortalLabels.INSTANCE, tenant.instance).list().getItems().stream()
                .filter(queue -> queue.getMetadata().getDeletionTimestamp() == null)
                .forEach(queue -> localQueues.add(queue.getMetadata().getNamespace()));
        assertThat(localQueues).as("one LocalQueue per team namespace, no other")
                .containsExactlyInAnyOrderElementsOf(stateBySlug.keySet().stream().map(slug -> "team-" + slug).toList());

        // Keycloak: two groups per team of this installation, with exactly the team's members, and no other
        Map<String, Set<String>> groups = new TreeMap<>();
        GroupRepresentation parent = KeycloakFixture.realm().getGroupByPath("/teams");
        for (GroupRepresentation group : KeycloakFixture.realm().groups().group(parent.getId())
                .getSubGroups(0, 10_000, false)) {
            if (List.of(tenant.instance).equals(group.getAttributes() == null ? null
                    : group.getAttributes().get("portal.ai/instance"))) {
                assertThat(groups).as("group " + group.getName() + " once").doesNotContainKey(group.getName());
                Set<String> usernames = new TreeSet<>();
                for (UserRepresentation user : KeycloakFixture.realm().groups().group(group.getId())
                        .members(0, 1000, true)) {
                    usernames.add(user.getUsername());
                }
                groups.put(group.getName(), usernames);
            }
        }
        Map<String, Set<String>> expected = new TreeMap<>();
        membersBySlug.forEach((slug, members) -> {
            Set<String> editors = new TreeSet<>();
            Set<String> viewers = new TreeSet<>();
            members.forEach((user, role) -> ("viewer".equals(role) ? viewers : editors).add(user));
            expected.put("team-" + slug, editors);
            expected.put("team-" + slug + ".viewers", viewers);
        });
        assertThat(groups).as("Keycloak groups of this installation and their members").isEqualTo(expected);
    }
}
