package ai.portal.tenant.accessrequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.POST;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.portal.tenant.TenantApiTestSupport;
import ai.portal.tenant.identity.KeycloakFixture;
import ai.portal.testing.Tokens;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.JsonNode;

/**
 * People without a portal role ask for access; platform admins grant it in Keycloak (the {@code data-scientist}
 * realm role) and the team, or refuse. Against the real Keycloak and PostgreSQL: the realm's {@code guest} has no
 * portal role; an approval, which changes Keycloak for good, is given to a user this test makes and deletes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccessRequestApiTest extends TenantApiTestSupport {

    private static final String MINE = "/api/v1/me/access-requests";

    @Autowired
    DatabaseClient db;

    private final List<String> madeUsers = new ArrayList<>();

    @BeforeEach
    @AfterEach
    void withdrawGuestsWaitingRequests() {
        for (JsonNode request : mine("guest")) {
            if ("pending".equals(request.path("status").asString())) {
                send("guest", DELETE, MINE + "/{id}", null, request.path("id").asLong()).expectStatus().isOk();
            }
        }
    }

    @AfterEach
    void deleteMadeUsers() {
        madeUsers.forEach(id -> KeycloakFixture.realm().users().delete(id).close());
    }

    @Test
    void newcomerAsksAdminApprovesWithATeamAndTheNextTokenHasTheRoleAndTheTeam() {
        String slug = newSlug("welcome");
        createTeam(slug, "carol");
        String password = "pw-" + UUID.randomUUID();
        String username = newUser(password);
        String before = TOKENS.userToken(username, password);
        assertThat(roles(before)).doesNotContain("data-scientist");
        client.get().uri("/api/v1/teams").headers(h -> h.setBearerAuth(before)).exchange()
                .expectStatus().isForbidden();

        JsonNode asked = client.post().uri(MINE).headers(h -> h.setBearerAuth(before))
                .bodyValue(Map.of("reason", "I join the vision team and train detectors", "team", slug))
                .exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(asked.path("status").asString()).isEqualTo("pending");
        assertThat(asked.path("username").asString()).isEqualTo(username);
        long id = asked.path("id").asLong();

        JsonNode pending = get("admin", "/api/v1/access-requests").expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(pending.valueStream().filter(r -> r.path("id").asLong() == id).findFirst()).hasValueSatisfying(
                r -> {
                    assertThat(r.path("reason").asString()).isEqualTo("I join the vision team and train detectors");
                    assertThat(r.path("team").asString()).isEqualTo(slug);
                });

        send("admin", POST, "/api/v1/access-requests/{id}/approve", Map.of("team", slug, "teamRole", "member",
                "reason", "welcome"), id)
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("approved")
                .jsonPath("$.grantedRole").isEqualTo("data-scientist")
                .jsonPath("$.grantedTeam").isEqualTo(slug)
                .jsonPath("$.grantedTeamRole").isEqualTo("member")
                .jsonPath("$.decidedBy").isEqualTo("admin");

        String after = TOKENS.userToken(username, password);
        assertThat(roles(after)).contains("data-scientist");
        client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(after)).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.teams[?(@.slug == '" + slug + "')].role").isEqualTo(List.of("member"));
        client.get().uri("/api/v1/teams/{slug}", slug).headers(h -> h.setBearerAuth(after)).exchange()
                .expectStatus().isOk();
        client.get().uri(MINE).headers(h -> h.setBearerAuth(after)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$[0].status").isEqualTo("approved").jsonPath("$[0].decisionReason")
                .isEqualTo("welcome");

        assertThat(auditRows("access-request.approve", "access-request/" + id)).containsExactly("success");
        assertThat(auditRows("access-request.create", "access-request/" + id)).containsExactly("success");
        // deciding twice is refused
        expectProblem(send("admin", POST, "/api/v1/access-requests/{id}/reject", Map.of("reason", "too late"), id),
                HttpStatus.CONFLICT, null);
    }

    @Test
    void approvingTwiceLeavesTheRoleAsItIsAndWithoutTeamGrantsTheRoleOnly() {
        String password = "pw-" + UUID.randomUUID();
        String username = newUser(password);
        String token = TOKENS.userToken(username, password);
        long id = client.post().uri(MINE).headers(h -> h.setBearerAuth(token))
                .bodyValue(Map.of("reason", "I review models")).exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("id").asLong();
        send("admin", POST, "/api/v1/access-requests/{id}/approve", null, id).expectStatus().isOk()
                .expectBody().jsonPath("$.grantedRole").isEqualTo("data-scientist")
                .jsonPath("$.grantedTeam").doesNotExist();
        String after = TOKENS.userToken(username, password);
        assertThat(roles(after)).contains("data-scientist");
        // with access now, asking again without a team is refused; asking to join a team is not
        expectProblem(client.post().uri(MINE).headers(h -> h.setBearerAuth(after))
                .bodyValue(Map.of("reason", "again")).exchange(), HttpStatus.CONFLICT, null);
    }

    @Test
    void rejectionCarriesAReasonTheGuestReads() {
        long id = ask("guest", Map.of("reason", "I want to try the GPUs"));
        send("admin", POST, "/api/v1/access-requests/{id}/reject", Map.of("reason", "Ask your team lead first"), id)
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("rejected");
        JsonNode latest = mine("guest").get(0);
        assertThat(latest.path("id").asLong()).isEqualTo(id);
        assertThat(latest.path("status").asString()).isEqualTo("rejected");
        assertThat(latest.path("decisionReason").asString()).isEqualTo("Ask your team lead first");
        assertThat(roles(token("guest"))).doesNotContain("data-scientist");
        assertThat(auditRows("access-request.reject", "access-request/" + id)).containsExactly("success");
        // a refused guest may ask again, and withdraw
        long again = ask("guest", Map.of("reason", "My team lead agreed"));
        send("guest", DELETE, MINE + "/{id}", null, again).expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("withdrawn");
        expectProblem(send("admin", POST, "/api/v1/access-requests/{id}/approve", null, again),
                HttpStatus.CONFLICT, null);
    }

    @Test
    void askingTwiceWhileWaitingIsAConflict() {
        ask("guest", Map.of("reason", "first"));
        expectProblem(send("guest", POST, MINE, Map.of("reason", "second")), HttpStatus.CONFLICT, null);
        assertThat(mine("guest").valueStream().filter(r -> "pending".equals(r.path("status").asString())))
                .hasSize(1);
    }

    @Test
    void onlyPlatformAdminsListAndDecideAndAGuestSeesOnlyTheirOwn() {
        long id = ask("guest", Map.of("reason", "let me in"));
        expectProblem(get("guest", "/api/v1/access-requests"), HttpStatus.FORBIDDEN, null);
        expectProblem(get("bob", "/api/v1/access-requests"), HttpStatus.FORBIDDEN, null);
        expectProblem(send("guest", POST, "/api/v1/access-requests/{id}/approve", null, id), HttpStatus.FORBIDDEN,
                null);
        expectProblem(send("carol", POST, "/api/v1/access-requests/{id}/reject", Map.of("reason", "no"), id),
                HttpStatus.FORBIDDEN, null);
        // someone else's request is not there for them: not listed, not withdrawable
        assertThat(mine("bob").valueStream().map(r -> r.path("id").asLong())).doesNotContain(id);
        expectProblem(send("bob", DELETE, MINE + "/{id}", null, id), HttpStatus.NOT_FOUND, null);
        // the signed-in paths open only the guest's own requests: the rest of the API still needs a portal role
        expectProblem(get("guest", "/api/v1/teams"), HttpStatus.FORBIDDEN, null);
        expectProblem(get("guest", "/api/v1/me"), HttpStatus.FORBIDDEN, null);
        client.get().uri(MINE).exchange().expectStatus().isUnauthorized();
        // the guest is stopped by the filter chain (no portal role); carol reached the service and is audited
        assertThat(auditRows("access-request.reject", "access-request/" + id)).containsExactly("denied");
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        expectProblem(send("guest", POST, MINE, Map.of("reason", "  ")), HttpStatus.BAD_REQUEST,
                "reason");
        expectProblem(send("guest", POST, MINE, Map.of("reason", "x".repeat(2001))),
                HttpStatus.BAD_REQUEST, "reason");
        expectProblem(send("guest", POST, MINE, Map.of("reason", "ok", "team", "Not A Team!")),
                HttpStatus.BAD_REQUEST, "team");
        long id = ask("guest", Map.of("reason", "let me in"));
        expectProblem(send("admin", POST, "/api/v1/access-requests/{id}/reject", Map.of("reason", ""), id),
                HttpStatus.BAD_REQUEST, "reason");
        expectProblem(send("admin", POST, "/api/v1/access-requests/{id}/approve", Map.of("teamRole", "boss"), id),
                HttpStatus.BAD_REQUEST, "teamRole");
        expectProblem(send("admin", POST, "/api/v1/access-requests/{id}/approve",
                Map.of("team", newSlug("nosuch")), id), HttpStatus.BAD_REQUEST, "team");
        expectProblem(send("admin", POST, "/api/v1/access-requests/{id}/approve", Map.of("grantRole", false), id),
                HttpStatus.BAD_REQUEST, "grantRole");
        expectProblem(get("admin", "/api/v1/access-requests?status=lost"), HttpStatus.BAD_REQUEST, "status");
        expectProblem(send("admin", POST, "/api/v1/access-requests/{id}/approve", null, 987654321L),
                HttpStatus.NOT_FOUND, null);
        // nothing of that was granted: the request still waits
        assertThat(mine("guest").get(0).path("status").asString()).isEqualTo("pending");
    }

    @Test
    void openApiDescribesTheEndpoints() {
        client.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.paths['/api/v1/me/access-requests'].post").exists()
                .jsonPath("$.paths['/api/v1/me/access-requests/{id}'].delete").exists()
                .jsonPath("$.paths['/api/v1/access-requests'].get").exists()
                .jsonPath("$.paths['/api/v1/access-requests/{id}/approve'].post").exists()
                .jsonPath("$.paths['/api/v1/access-requests/{id}/reject'].post").exists();
    }

    private long ask(String user, Map<String, String> body) {
        return send(user, POST, MINE, body).expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("id").asLong();
    }

    private JsonNode mine(String user) {
        return get(user, MINE).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private List<String> auditRows(String action, String target) {
        return db.sql("select outcome from audit_event where action = :action and target = :target order by id")
                .bind("action", action).bind("target", target)
                .map(row -> row.get("outcome", String.class)).all().collectList().block();
    }

    private static List<String> roles(String token) {
        List<String> roles = new ArrayList<>();
        Tokens.claims(token).path("realm_access").path("roles").forEach(role -> roles.add(role.asString()));
        return roles;
    }

    /** A user of the realm with no portal role, deleted after the test. */
    private String newUser(String password) {
        String username = "newcomer-" + UUID.randomUUID().toString().substring(0, 8);
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        user.setEmail(username + "@example.com");
        user.setEmailVerified(true);
        user.setFirstName("New");
        user.setLastName("Comer");
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        try (Response created = KeycloakFixture.realm().users().create(user)) {
            madeUsers.add(CreatedResponseUtil.getCreatedId(created));
        }
        return username;
    }
}
