package ai.portal.tenant.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.PATCH;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import java.util.Map;

import ai.portal.tenant.TenantApiTestSupport;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.JsonNode;

/** Teams through the API as each kind of user, with the namespace and groups they lead to. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TeamApiTest extends TenantApiTestSupport {

    @Autowired
    KubernetesClient kubernetes;

    @Autowired
    DatabaseClient db;

    @Test
    void adminCreatesTeamWhoseNamespaceBecomesReadyAndOwnerSeesIt() {
        String slug = newSlug("create");
        JsonNode team = createTeam(slug, "carol");
        assertThat(team.path("state").asString()).isEqualTo("active");
        assertThat(team.path("namespace").asString()).isEqualTo("team-" + slug);

        awaitPhase(slug, "Ready");
        assertThat(kubernetes.namespaces().withName("team-" + slug).get().getMetadata().getLabels())
                .containsEntry("portal.ai/team", slug)
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        get("carol", "/api/v1/teams/{slug}", slug).expectStatus().isOk()
                .expectBody().jsonPath("$.myRole").isEqualTo("owner");
        get("carol", "/api/v1/teams").expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.slug == '" + slug + "')]").exists();
        get("carol", "/api/v1/me").expectStatus().isOk()
                .expectBody().jsonPath("$.teams[?(@.slug == '" + slug + "')].role").isEqualTo(java.util.List.of("owner"));
    }

    @Test
    void rejectsInvalidSlugNamingTheField() {
        expectProblem(send("admin", POST, "/api/v1/teams",
                Map.of("slug", "Bad_Slug!", "displayName", "x", "owner", "carol")), HttpStatus.BAD_REQUEST, "slug");
        expectProblem(send("admin", POST, "/api/v1/teams",
                Map.of("slug", "a", "displayName", "x", "owner", "carol")), HttpStatus.BAD_REQUEST, "slug");
    }

    @Test
    void rejectsDuplicateTeamWithConflict() {
        String slug = newSlug("dup");
        createTeam(slug, "carol");
        expectProblem(send("admin", POST, "/api/v1/teams", Map.of("slug", slug, "displayName", "Again", "owner", "bob")),
                HttpStatus.CONFLICT, "slug");
    }

    @Test
    void unknownOwnerIsNotFoundAndNothingIsWritten() {
        String slug = newSlug("ghost");
        expectProblem(send("admin", POST, "/api/v1/teams",
                Map.of("slug", slug, "displayName", "Ghost", "owner", "no-such-user")), HttpStatus.NOT_FOUND, "owner");
        assertThat(db.sql("select count(*) as n from team where slug = :slug").bind("slug", slug)
                .map(row -> row.get("n", Long.class)).one().block()).isZero();
    }

    @Test
    void onlyPlatformAdminsCreateArchiveAndDeleteTeams() {
        String slug = newSlug("admin-only");
        expectProblem(send("alice", POST, "/api/v1/teams", Map.of("slug", slug, "displayName", "x", "owner", "alice")),
                HttpStatus.FORBIDDEN, null);
        createTeam(slug, "carol");
        expectProblem(send("carol", POST, "/api/v1/teams/{slug}/archive", null, slug), HttpStatus.FORBIDDEN, null);
        expectProblem(send("carol", DELETE, "/api/v1/teams/{slug}", null, slug), HttpStatus.FORBIDDEN, null);
    }

    @Test
    void memberOfOneTeamCannotReadOrChangeAnother() {
        String mine = newSlug("mine");
        String theirs = newSlug("theirs");
        createTeam(mine, "alice");
        createTeam(theirs, "bob");

        for (String uri : new String[]{"/api/v1/teams/{slug}", "/api/v1/teams/{slug}/members",
                "/api/v1/teams/{slug}/quota", "/api/v1/teams/{slug}/quota/usage", "/api/v1/teams/{slug}/quota-requests"}) {
            expectProblem(get("alice", uri, theirs), HttpStatus.FORBIDDEN, null);
        }
        expectProblem(send("alice", PATCH, "/api/v1/teams/{slug}", Map.of("displayName", "Mine now"), theirs),
                HttpStatus.FORBIDDEN, null);
        expectProblem(send("alice", POST, "/api/v1/teams/{slug}/members", Map.of("username", "alice", "role", "owner"),
                theirs), HttpStatus.FORBIDDEN, null);
        expectProblem(send("alice", PUT, "/api/v1/teams/{slug}/members/bob", Map.of("role", "viewer"), theirs),
                HttpStatus.FORBIDDEN, null);
        expectProblem(send("alice", DELETE, "/api/v1/teams/{slug}/members/bob", null, theirs), HttpStatus.FORBIDDEN, null);
        expectProblem(send("alice", POST, "/api/v1/teams/{slug}/quota-requests",
                Map.of("quota", quota("64", Map.of()), "reason", "more"), theirs), HttpStatus.FORBIDDEN, null);
        get("alice", "/api/v1/teams").expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.slug == '" + theirs + "')]").doesNotExist();
        get("admin", "/api/v1/teams/{slug}/members", theirs).expectStatus().isOk()
                .expectBody().jsonPath("$.length()").isEqualTo(1);
    }

    @Test
    void viewerCanReadButNotChangeTheTeam() {
        String slug = newSlug("viewers");
        createTeam(slug, "carol");
        addMember(slug, "bob", "viewer");
        get("bob", "/api/v1/teams/{slug}/members", slug).expectStatus().isOk();
        expectProblem(send("bob", POST, "/api/v1/teams/{slug}/members", Map.of("username", "alice", "role", "member"),
                slug), HttpStatus.FORBIDDEN, null);
        expectProblem(send("bob", POST, "/api/v1/teams/{slug}/quota-requests",
                Map.of("quota", quota("16", Map.of()), "reason", "more"), slug), HttpStatus.FORBIDDEN, null);
    }

    @Test
    void ownersManageMembersAndTheLastOwnerCannotLeave() {
        String slug = newSlug("members");
        createTeam(slug, "carol");
        send("carol", POST, "/api/v1/teams/{slug}/members", Map.of("username", "alice", "role", "member"), slug)
                .expectStatus().isCreated().expectBody().jsonPath("$.role").isEqualTo("member");
        expectProblem(send("carol", POST, "/api/v1/teams/{slug}/members", Map.of("username", "alice", "role", "viewer"),
                slug), HttpStatus.CONFLICT, "username");
        expectProblem(send("carol", POST, "/api/v1/teams/{slug}/members",
                Map.of("username", "nobody-here", "role", "member"), slug), HttpStatus.NOT_FOUND, "username");
        expectProblem(send("carol", POST, "/api/v1/teams/{slug}/members", Map.of("username", "bob", "role", "boss"),
                slug), HttpStatus.BAD_REQUEST, "role");

        expectProblem(send("carol", DELETE, "/api/v1/teams/{slug}/members/carol", null, slug), HttpStatus.CONFLICT, null);
        expectProblem(send("carol", PUT, "/api/v1/teams/{slug}/members/carol", Map.of("role", "member"), slug),
                HttpStatus.CONFLICT, null);

        send("carol", PUT, "/api/v1/teams/{slug}/members/alice", Map.of("role", "owner"), slug).expectStatus().isOk();
        send("carol", DELETE, "/api/v1/teams/{slug}/members/carol", null, slug).expectStatus().isNoContent();
        get("alice", "/api/v1/teams/{slug}/members", slug).expectStatus().isOk()
                .expectBody().jsonPath("$.length()").isEqualTo(1).jsonPath("$[0].username").isEqualTo("alice");
    }

    @Test
    void deletingTeamRemovesItsNamespace() {
        String slug = newSlug("gone");
        createTeam(slug, "carol");
        awaitPhase(slug, "Ready");
        send("admin", DELETE, "/api/v1/teams/{slug}", null, slug).expectStatus().isAccepted()
                .expectBody().jsonPath("$.state").isEqualTo("deleting");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline
                && get("admin", "/api/v1/teams/{slug}", slug).returnResult(String.class).getStatus().value() != 404) {
            sleep(500);
        }
        get("admin", "/api/v1/teams/{slug}", slug).expectStatus().isNotFound();
        var namespace = kubernetes.namespaces().withName("team-" + slug).get();
        assertThat(namespace == null || namespace.getMetadata().getDeletionTimestamp() != null).isTrue();
    }

    @Test
    void everyChangeAndRefusalIsAudited() {
        String slug = newSlug("audit");
        createTeam(slug, "carol");
        addMember(slug, "alice", "member");
        send("bob", PATCH, "/api/v1/teams/{slug}", Map.of("displayName", "Hijacked"), slug).expectStatus().isForbidden();

        JsonNode events = get("admin", "/api/v1/audit?team={slug}", slug).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(events).extracting(e -> e.path("action").asString() + ":" + e.path("outcome").asString())
                .contains("team.create:success", "member.add:success", "team.update:denied");
        JsonNode created = java.util.stream.StreamSupport.stream(events.spliterator(), false)
                .filter(e -> e.path("action").asString().equals("team.create")).findFirst().orElseThrow();
        assertThat(created.path("actorUsername").asString()).isEqualTo("admin");
        assertThat(created.path("after").path("owner").asString()).isEqualTo("carol");
        assertThat(created.path("requestId").asString()).isNotBlank();
        expectProblem(get("alice", "/api/v1/audit"), HttpStatus.FORBIDDEN, null);
    }

    static Map<String, Object> quota(String cpu, Map<String, Integer> gpus) {
        return Map.of("cpu", cpu, "memory", "64Gi", "storage", "200Gi", "pvcs", 10, "maxNotebooks", 2, "gpus", gpus);
    }
}
