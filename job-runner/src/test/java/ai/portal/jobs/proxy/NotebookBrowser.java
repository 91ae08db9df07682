package ai.portal.jobs.proxy;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser as far as the notebook proxy can tell: a cookie jar, redirects followed one by one, Keycloak's login
 * form filled in when it appears, an {@code Origin} on changes and WebSockets. Nothing here holds a token: the
 * session cookie is all the proxy gives out.
 */
final class NotebookBrowser {

    private static final Pattern LOGIN_FORM_ACTION = Pattern.compile(
            "<form\\b[^>]*\\bid=\"kc-form-login\"[^>]*\\baction=\"([^\"]+)\"|<form\\b[^>]*\\baction=\"([^\"]+)\"[^>]*\\bid=\"kc-form-login\"");

    private final String origin;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;

    NotebookBrowser(String origin) {
        this.origin = origin;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Opens {@code path}, signing in as {@code user} when sent to Keycloak; the last response. */
    HttpResponse<String> open(String path, String user, String password) {
        URI uri = URI.create(origin + path);
        HttpResponse<String> response = send(page(uri));
        for (int hop = 0; hop < 10; hop++) {
            if (response.statusCode() / 100 == 3) {
                uri = uri.resolve(response.headers().firstValue("Location").orElseThrow());
                response = send(page(uri));
            } else if (response.statusCode() == 200 && password != null
                    && LOGIN_FORM_ACTION.matcher(response.body()).find()) {
                Matcher form = LOGIN_FORM_ACTION.matcher(response.body());
                form.find();
                String action = (form.group(1) != null ? form.group(1) : form.group(2)).replace("&amp;", "&");
                uri = URI.create(action);
                response = send(HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", user,
                                "password", password, "credentialId", ""))))
                        .build());
            } else {
                return response;
            }
        }
        throw new IllegalStateException("too many redirects opening " + path);
    }

    /** A navigation: browsers ask for HTML, which is what makes the sign-in come back to the page asked for. */
    private static HttpRequest page(URI uri) {
        return HttpRequest.newBuilder(uri).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").GET().build();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(origin + path)).GET().build());
    }

    HttpResponse<String> post(String path, String json, String fromOrigin) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (fromOrigin != null) {
            request.header("Origin", fromOrigin);
        }
        return send(request.build());
    }

    String origin() {
        return origin;
    }

    /** A WebSocket through the proxy (the jar's cookies go with the handshake); frames land in {@link Socket#frames}. */
    Socket socket(String path) {
        Socket socket = new Socket();
        String ws = origin.replaceFirst("^http", "ws") + path;
        socket.webSocket = http.newWebSocketBuilder().header("Origin", origin)
                .connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create(ws), socket).join();
        return socket;
    }

    static final class Socket implements WebSocket.Listener {
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket webSocket;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
        }

        void send(String text) {
            webSocket.sendText(text, true).join();
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            // a request left unanswered fails the test (naming it) instead of hanging the whole run
            return http.send(HttpRequest.newBuilder(request, (name, value) -> true).timeout(Duration.ofSeconds(90))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
