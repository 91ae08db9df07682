package ai.portal.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A public test client of the portal realm whose access tokens live one second, created through Keycloak's admin
 * API the first time a test needs an expired token; users sign in to it through the login form like to portal-cli. It carries the backends' audiences, so a token it issued is
 * refused for its age alone.
 */
final class ShortLivedClient {

    static final String CLIENT_ID = "portal-test-short-lived";

    private static final String REPRESENTATION = """
            {"clientId": "%s", "publicClient": true, "directAccessGrantsEnabled": false,
             "standardFlowEnabled": true, "redirectUris": ["%s*"],
             "attributes": {"access.token.lifespan": "1", "pkce.code.challenge.method": "S256"},
             "protocolMappers": [%s, %s, %s]}"""
            .formatted(CLIENT_ID, Tokens.CLI_REDIRECT_URI, audience("tenant-service"), audience("job-runner"),
                    audience("logging-pipeline"));

    private static volatile boolean ensured;

    static synchronized void ensure(Tokens tokens, TestStack stack) {
        if (ensured) {
            return;
        }
        HttpRequest create = HttpRequest.newBuilder(URI.create(stack.keycloakUrl() + "/admin/realms/portal/clients"))
                .header("Authorization", "Bearer " + tokens.adminToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(REPRESENTATION)).build();
        HttpResponse<String> response = Tokens.send(create);
        // 409: made by an earlier test class of this run
        if (response.statusCode() != 201 && response.statusCode() != 409) {
            throw new IllegalStateException("Could not create " + CLIENT_ID + ": " + response.statusCode() + " "
                    + response.body());
        }
        ensured = true;
    }

    private static String audience(String clientId) {
        return """
                {"name": "aud-%1$s", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper",
                 "config": {"included.client.audience": "%1$s", "access.token.claim": "true"}}""".formatted(clientId);
    }

    private ShortLivedClient() {
    }
}
