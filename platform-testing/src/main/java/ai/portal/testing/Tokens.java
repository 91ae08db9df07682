package ai.portal.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real access tokens from the real Keycloak, and the malformed ones an attacker would try. Nothing here signs a
 * token itself: every forged token starts from one Keycloak issued.
 */
public final class Tokens {

    static final String CLIENT_CLI = "portal-cli";

    /** Created after {@link TestStack} made the JVM trust the stack's CA (Keycloak is on https). */
    private static final HttpClient HTTP = TestStack.httpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final TestStack stack;

    public Tokens(TestStack stack) {
        this.stack = stack;
    }

    public static Tokens fromTestStack() {
        return new Tokens(TestStack.get());
    }

    /** Where the CLI's authorization-code flow returns (kubelogin's default); nothing needs to listen there. */
    public static final String CLI_REDIRECT_URI = "http://localhost:8000/";

    /**
     * A demo user's access token through the portal's CLI client, signed in as a person would (authorization code
     * with PKCE through Keycloak's login form): the backends' audiences, realm roles and groups included.
     */
    public String userToken(String username) {
        return userToken(username, stack.password(username));
    }

    /** The access token of any user of the portal realm, signed in through the CLI client's browser flow. */
    public String userToken(String username, String password) {
        return signIn(CLIENT_CLI, username, password).path("access_token").asString();
    }

    /** The whole token response (access, refresh and ID token) of a CLI sign-in. */
    public JsonNode cliSignIn(String username) {
        return signIn(CLIENT_CLI, username, stack.password(username));
    }

    /** A portal-realm token of Keycloak's own account console: it does not name the backends as audience. */
    public String tokenWithoutBackendAudience(String username) {
        return BrowserLogin.signIn(stack.keycloakUrl(), "portal", "account-console",
                stack.keycloakUrl() + "/realms/portal/account/", username, stack.password(username))
                .path("access_token").asString();
    }

    /** A token of the Keycloak master realm: another issuer with other keys. */
    public String tokenFromOtherIssuer() {
        return passwordGrant("master", "admin-cli", "admin", stack.keycloakAdminPassword());
    }

    /** The automation client's token (client credentials). */
    public String automationToken() {
        return post("/realms/portal/protocol/openid-connect/token", Map.of(
                "grant_type", "client_credentials",
                "client_id", "portal-automation",
                "client_secret", stack.automationClientSecret())).path("access_token").asString();
    }

    /**
     * A genuine token of {@code username} that is already expired: issued by a client whose access tokens live
     * one second (created on the fly through the admin API), then waited out.
     */
    public String expiredUserToken(String username) throws InterruptedException {
        ShortLivedClient.ensure(this, stack);
        String token = signIn(ShortLivedClient.CLIENT_ID, username, stack.password(username))
                .path("access_token").asString();
        long expiresAt = claims(token).path("exp").asLong();
        while (System.currentTimeMillis() / 1000 <= expiresAt) {
            Thread.sleep(250);
        }
        return token;
    }

    public static JsonNode claims(String token) {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    /** The same header and claims, with the signature's bytes changed. */
    public static String withTamperedSignature(String token) {
        String[] parts = token.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[signature.length / 2] ^= 0x5A;
        return parts[0] + "." + parts[1] + "." + B64.encodeToString(signature);
    }

    /** The same claims re-labelled {@code alg: none} with no signature: the classic downgrade. */
    public static String withAlgNone(String token) {
        String header = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + token.split("\\.")[1] + ".";
    }

    /** The original signature over claims that were edited (e.g. a role added): the signature no longer matches. */
    public static String withEditedClaims(String token, String find, String replace) {
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        return parts[0] + "." + B64.encodeToString(claims.replace(find, replace).getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
    }

    private JsonNode signIn(String clientId, String username, String password) {
        return BrowserLogin.signIn(stack.keycloakUrl(), "portal", clientId, CLI_REDIRECT_URI, username, password);
    }

    /** Only for the master realm's bootstrap administrator (Keycloak's own admin-cli): never a portal user. */
    private String passwordGrant(String realm, String clientId, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        return post("/realms/" + realm + "/protocol/openid-connect/token", form).path("access_token").asString();
    }

    String adminToken() {
        return passwordGrant("master", "admin-cli", "admin", stack.keycloakAdminPassword());
    }

    JsonNode post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.keycloakUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Keycloak answered " + response.statusCode() + " to " + path + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
