package ai.portal.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The realm {@code ./portal up} imports signs users in only through its login form: no client accepts a password
 * without it (the password grant bypasses SSO and MFA), and the tokens a person gets by signing in to the CLI carry
 * what every backend needs.
 */
class RealmSignInTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final TestStack stack = TestStack.get();
    private final Tokens tokens = new Tokens(stack);

    @Test
    void noClientOfThePortalRealmAcceptsThePasswordGrant() {
        HttpResponse<String> clients = Tokens.send(HttpRequest.newBuilder(
                        URI.create(stack.keycloakUrl() + "/admin/realms/portal/clients?max=1000"))
                .header("Authorization", "Bearer " + tokens.adminToken()).GET().build());
        assertThat(clients.statusCode()).isEqualTo(200);
        List<String> withPasswordGrant = new ArrayList<>();
        List<String> publicClients = new ArrayList<>();
        for (JsonNode client : JSON.readTree(clients.body())) {
            if (client.path("directAccessGrantsEnabled").asBoolean()) {
                withPasswordGrant.add(client.path("clientId").asString());
            }
            if (client.path("publicClient").asBoolean() && !client.path("bearerOnly").asBoolean()) {
                publicClients.add(client.path("clientId").asString());
            }
        }
        assertThat(withPasswordGrant).as("clients with the password grant").isEmpty();
        assertThat(publicClients).contains("portal-cli", "admin-cli");
        for (String client : publicClients) {
            HttpResponse<String> refused = token(Map.of("grant_type", "password", "client_id", client,
                    "username", "alice", "password", stack.password("alice"), "scope", "openid"));
            assertThat(refused.statusCode()).as(client).isIn(400, 401);
            assertThat(refused.body()).as(client).doesNotContain("access_token");
        }
    }

    @Test
    void signingInToTheCliGivesTheBackendsAudiencesRolesAndGroupsClaim() {
        JsonNode claims = Tokens.claims(tokens.userToken("alice"));
        assertThat(claims.path("azp").asString()).isEqualTo("portal-cli");
        assertThat(claims.path("preferred_username").asString()).isEqualTo("alice");
        List<String> audiences = new ArrayList<>();
        claims.path("aud").forEach(aud -> audiences.add(aud.asString()));
        assertThat(audiences).contains("tenant-service", "job-runner", "logging-pipeline");
        assertThat(claims.path("realm_access").path("roles").toString()).contains("data-scientist");
        assertThat(Tokens.claims(tokens.userToken("admin")).path("realm_access").path("roles").toString())
                .contains("platform-admin");
    }

    @Test
    void aWrongPasswordOnTheLoginFormGetsNoToken() {
        assertThatThrownBy(() -> tokens.userToken("bob", "not-" + stack.password("bob")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Signing in bob to portal-cli failed");
    }

    @Test
    void theCliMayUseTheDeviceAuthorizationGrant() {
        HttpResponse<String> device = post("/realms/portal/protocol/openid-connect/auth/device",
                Map.of("client_id", "portal-cli", "scope", "openid",
                        // PKCE is required of the CLI in every flow, the device flow included
                        "code_challenge", BrowserLogin.challenge("a-verifier-of-at-least-forty-three-characters-0123"),
                        "code_challenge_method", "S256"));
        assertThat(device.statusCode()).as(device.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(device.body());
        assertThat(answer.path("device_code").asString()).isNotEmpty();
        assertThat(answer.path("user_code").asString()).isNotEmpty();
        assertThat(answer.path("verification_uri").asString()).startsWith(stack.keycloakUrl());
    }

    private HttpResponse<String> token(Map<String, String> form) {
        return post("/realms/portal/protocol/openid-connect/token", form);
    }

    private HttpResponse<String> post(String path, Map<String, String> form) {
        return Tokens.send(HttpRequest.newBuilder(URI.create(stack.keycloakUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(BrowserLogin.form(form))).build());
    }
}
