package ai.portal.logs.query;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;


import ai.portal.platform.team.TeamNames;
import ai.portal.testing.TestStack;
import ai.portal.testing.Tokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Test users that are members of one team each, made in the real Keycloak through its admin API (idempotent):
 * user {@code logs-test-<slug>} in group {@code team-<slug>} (a child of {@code /teams}, as tenant-service keeps
 * them), realm role {@code data-scientist}. Their tokens carry the group like any member's.
 */
final class TeamUsers {

    private static final HttpClient HTTP = TestStack.httpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = "logs-test-" + Integer.toHexString("logging-pipeline".hashCode());

    private final TestStack stack = TestStack.get();

    /** An access token of a data scientist who is a member of exactly {@code team}. */
    String memberToken(String team) {
        String username = "logs-test-" + team;
        ensureMember(username, team);
        return Tokens.fromTestStack().userToken(username, PASSWORD);
    }

    /**
     * A platform admin's token from a client whose tokens live one second (the service still accepts it within its
     * clock skew); that client maps no groups, so only an admin can open a team's stream with it.
     */
    String shortLivedAdminToken() throws InterruptedException {
        Tokens.fromTestStack().expiredUserToken("admin"); // makes the one-second client, once
        return token("portal", "portal-test-short-lived", "admin", stack.password("admin"));
    }

    private synchronized void ensureMember(String username, String team) {
        String admin = token("master", "admin-cli", "admin", stack.keycloakAdminPassword());
        String realm = stack.keycloakUrl() + "/admin/realms/portal";
        send(admin, "POST", realm + "/users", """
                {"username": "%1$s", "enabled": true, "email": "%1$s@example.test", "emailVerified": true,
                 "firstName": "Logs", "lastName": "Test %2$s",
                 "credentials": [{"type": "password", "value": "%3$s", "temporary": false}]}"""
                .formatted(username, team, PASSWORD));
        String userId = JSON.readTree(send(admin, "GET", realm + "/users?exact=true&username=" + username, null))
                .get(0).path("id").asString();
        JsonNode role = JSON.readTree(send(admin, "GET", realm + "/roles/data-scientist", null));
        send(admin, "POST", realm + "/users/" + userId + "/role-mappings/realm", "[" + role + "]");
        String teamsId = JSON.readTree(send(admin, "GET", realm + "/groups?exact=true&search=teams", null))
                .get(0).path("id").asString();
        String groupName = TeamNames.editorsGroup(team);
        send(admin, "POST", realm + "/groups/" + teamsId + "/children", "{\"name\": \"" + groupName + "\"}");
        String groupId = null;
        for (JsonNode child : JSON.readTree(send(admin, "GET", realm + "/groups/" + teamsId
                + "/children?first=0&max=1000&search=" + groupName + "&exact=true", null))) {
            if (groupName.equals(child.path("name").asString())) {
                groupId = child.path("id").asString();
            }
        }
        if (groupId == null) {
            throw new IllegalStateException("group " + groupName + " not found after creating it");
        }
        send(admin, "PUT", realm + "/users/" + userId + "/groups/" + groupId, null);
    }

    private String token(String realm, String client, String username, String password) {
        String form = Map.of("grant_type", "password", "client_id", client, "username", username,
                        "password", password, "scope", "openid").entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.keycloakUrl() + "/realms/" + realm
                        + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        String body = exchange(request, 200);
        return JSON.readTree(body).path("access_token").asString();
    }

    private static String send(String token, String method, String url, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return exchange(request.build(), -1);
    }

    private static String exchange(HttpRequest request, int expected) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            boolean ok = expected < 0 ? response.statusCode() < 300 || response.statusCode() == 409
                    : response.statusCode() == expected;
            if (!ok) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
