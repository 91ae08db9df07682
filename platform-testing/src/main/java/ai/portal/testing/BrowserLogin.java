package ai.portal.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signs a user in as a browser would: the OAuth 2.0 authorization-code flow with PKCE (RFC 7636) through Keycloak's
 * own login form, driven over HTTP. It asks the authorization endpoint for a code, fills in the login form it gets
 * back (with the session cookies Keycloak set), takes the code from the redirect to the client's redirect URI
 * (nothing needs to listen there) and exchanges it, with the verifier, at the token endpoint. No client in the realm
 * needs the password grant for tests to get real user tokens.
 */
final class BrowserLogin {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern LOGIN_FORM = Pattern.compile(
            "<form\\b[^>]*\\bid=\"kc-form-login\"[^>]*>|<form\\b[^>]*\\baction=\"[^\"]*login-actions/authenticate[^\"]*\"[^>]*>");
    private static final Pattern ACTION = Pattern.compile("\\baction=\"([^\"]+)\"");
    private static final Pattern ERROR = Pattern.compile(
            "id=\"input-error[^\"]*\"[^>]*>\\s*([^<]+)<|class=\"[^\"]*(?:alert-error|kc-feedback-text)[^\"]*\"[^>]*>\\s*([^<]+)<");

    private BrowserLogin() {
    }

    /** The token response (access, refresh and ID token) of {@code username} signing in to {@code clientId}. */
    static JsonNode signIn(String keycloakUrl, String realm, String clientId, String redirectUri,
                           String username, String password) {
        Browser browser = new Browser();
        String oidc = keycloakUrl + "/realms/" + realm + "/protocol/openid-connect";
        String verifier = randomToken(48);
        String state = randomToken(16);
        String authorize = oidc + "/auth?" + form(Map.of(
                "client_id", clientId,
                "response_type", "code",
                "scope", "openid",
                "redirect_uri", redirectUri,
                "state", state,
                "code_challenge", challenge(verifier),
                "code_challenge_method", "S256"));
        HttpResponse<String> loginPage = send(browser, HttpRequest.newBuilder(URI.create(authorize)).GET().build());
        if (loginPage.statusCode() != 200) {
            throw new IllegalStateException("Keycloak did not show its login form for client " + clientId + ": "
                    + loginPage.statusCode() + " " + loginPage.headers().firstValue("Location").orElse(loginPage.body()));
        }
        String action = loginAction(loginPage.body());
        HttpResponse<String> afterLogin = send(browser, HttpRequest.newBuilder(URI.create(action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                        "username", username, "password", password, "credentialId", ""))))
                .build());
        String location = afterLogin.headers().firstValue("Location").orElse("");
        if (afterLogin.statusCode() != 302 || !location.startsWith(redirectUri)) {
            throw new IllegalStateException("Signing in " + username + " to " + clientId + " failed: "
                    + afterLogin.statusCode() + " " + (location.isEmpty() ? errorOn(afterLogin.body()) : location));
        }
        Map<String, String> callback = query(URI.create(location).getRawQuery());
        if (!state.equals(callback.get("state")) || callback.get("code") == null) {
            throw new IllegalStateException("Keycloak redirected without a code for this request: " + location);
        }
        HttpResponse<String> tokens = send(browser, HttpRequest.newBuilder(URI.create(oidc + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                        "grant_type", "authorization_code",
                        "client_id", clientId,
                        "code", callback.get("code"),
                        "redirect_uri", redirectUri,
                        "code_verifier", verifier))))
                .build());
        if (tokens.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused to exchange the code of " + username + " at " + clientId
                    + ": " + tokens.statusCode() + " " + tokens.body());
        }
        return JSON.readTree(tokens.body());
    }

    static String loginAction(String html) {
        Matcher form = LOGIN_FORM.matcher(html);
        if (!form.find()) {
            throw new IllegalStateException("No login form on Keycloak's page: " + errorOn(html));
        }
        Matcher action = ACTION.matcher(form.group());
        if (!action.find()) {
            throw new IllegalStateException("Keycloak's login form has no action: " + form.group());
        }
        return action.group(1).replace("&amp;", "&");
    }

    private static String errorOn(String html) {
        Matcher error = ERROR.matcher(html);
        if (error.find()) {
            return (error.group(1) != null ? error.group(1) : error.group(2)).strip();
        }
        return html.length() > 300 ? html.substring(0, 300) + "..." : html;
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomToken(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    static String form(Map<String, String> fields) {
        return new LinkedHashMap<>(fields).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    values.put(java.net.URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static HttpResponse<String> send(Browser browser, HttpRequest request) {
        return browser.send(request);
    }

    /**
     * Keeps Keycloak's session cookies and sends them back, as a browser would. They are kept by hand: Keycloak marks
     * them Secure, which a browser honours on {@code http://localhost} (a secure context) and the JDK's
     * {@code CookieManager} would not. One browser talks to one Keycloak, so names are enough.
     */
    private static final class Browser {

        private static final HttpClient HTTP = TestStack.httpClientBuilder()
                .followRedirects(HttpClient.Redirect.NEVER).build();

        private final Map<String, String> cookies = new LinkedHashMap<>();

        HttpResponse<String> send(HttpRequest request) {
            HttpRequest withCookies = cookies.isEmpty() ? request : HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                            .collect(Collectors.joining("; ")))
                    .build();
            HttpResponse<String> response;
            try {
                response = HTTP.send(withCookies, HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            for (String cookie : response.headers().allValues("Set-Cookie")) {
                int equals = cookie.indexOf('=');
                if (equals <= 0) {
                    continue;
                }
                String name = cookie.substring(0, equals).strip();
                String value = cookie.substring(equals + 1).split(";", 2)[0];
                if (value.isEmpty() || cookie.matches("(?i).*;\\s*Max-Age=0\\b.*")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return response;
        }
    }
}
