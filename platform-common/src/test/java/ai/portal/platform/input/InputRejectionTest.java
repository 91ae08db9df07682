package ai.portal.platform.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The input mechanism every backend gets from platform-common, on a real server (Netty, the auto-configured codecs,
 * validation and exception handling): each malformed request is a 400 problem detail naming what is wrong, never a
 * 500. Test endpoints under {@code /probe} stand in for a service's controllers.
 */
@SpringBootTest(classes = InputRejectionTest.ProbeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.import=classpath:portal-platform.yaml", "spring.application.name=probe",
                "portal.security.audience=probe", "portal.installation.id=probe-test"})
class InputRejectionTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Test
    void controlCharactersAndBrokenEscapesInTheUrlAre400BeforeAnyHandlerRuns() {
        for (String url : List.of("/probe/items?%C2%85=1", "/probe/items?status=%00", "/probe/items?status=%FF",
                "/probe/items/bo%00b", "/probe/items/%C3", "/api/v1/anything?x=%0A")) {
            JsonNode problem = expectProblem(get(url), 400);
            assertThat(problem.path("title").asString()).as(url).isEqualTo("Malformed request");
            assertThat(problem.path("requestId").asString()).as(url).isNotEmpty();
        }
        // a URL that is not even a URI (RFC 3986) is refused by the server's adapter before any filter: still a 400
        assertThat(get("/probe/items?status=%G0").statusCode()).isEqualTo(400);
        assertThat(get("/probe/items?status=ok%20fine").statusCode()).isEqualTo(200);
    }

    @Test
    void parameterValidationAndConversionFailuresName400sByParameter() {
        assertThat(expectProblem(get("/probe/validated?size=501"), 400).path("field").asString()).isEqualTo("size");
        assertThat(expectProblem(get("/probe/validated?size=0"), 400).path("detail").asString())
                .isEqualTo("size must be greater than or equal to 1");
        assertThat(expectProblem(get("/probe/validated?page=-1"), 400).path("field").asString()).isEqualTo("page");
        assertThat(expectProblem(get("/probe/plain?size=501"), 400).path("field").asString()).isEqualTo("size");
        JsonNode mismatch = expectProblem(get("/probe/plain?size=lots"), 400);
        assertThat(mismatch.path("field").asString()).isEqualTo("size");
        assertThat(mismatch.path("detail").asString()).isEqualTo("size must be a whole number");
        assertThat(expectProblem(get("/probe/plain?size=99999999999"), 400).path("field").asString()).isEqualTo("size");
        assertThat(get("/probe/validated?size=500&page=3").statusCode()).isEqualTo(200);
    }

    @Test
    void bodiesWithControlCharactersWrongTypesOrBrokenJsonAre400NamingTheField() {
        JsonNode nul = expectProblem(post("/probe/things", "{\"name\":\"a\\u0000b\",\"count\":1}"), 400);
        assertThat(nul.path("field").asString()).isEqualTo("name");
        assertThat(nul.path("detail").asString()).contains("U+0000");
        assertThat(expectProblem(post("/probe/things", "{\"name\":\"ok\",\"count\":1,\"labels\":{\"k\\u0085\":\"v\"}}"), 400)
                .path("detail").asString()).contains("U+0085");
        assertThat(expectProblem(post("/probe/things", "{\"name\":\"ok\",\"count\":1,\"tags\":[\"a\",\"\\ud800\"]}"), 400)
                .path("field").asString()).isEqualTo("tags[1]");
        JsonNode fraction = expectProblem(post("/probe/things", "{\"name\":\"ok\",\"count\":2.5}"), 400);
        assertThat(fraction.path("field").asString()).isEqualTo("count");
        assertThat(fraction.path("detail").asString()).isEqualTo("count must be a whole number");
        assertThat(expectProblem(post("/probe/things", "{\"name\":\"ok\",\"count\":\"many\"}"), 400)
                .path("field").asString()).isEqualTo("count");
        assertThat(expectProblem(post("/probe/things", "{\"name\":\"ok\",\"count\":1"), 400)
                .path("detail").asString()).startsWith("The request body is not well-formed JSON");
        assertThat(expectProblem(post("/probe/things", "[1]"), 400).path("detail").asString())
                .isEqualTo("The request body must be an object.");
        assertThat(expectProblem(post("/probe/things", "{\"name\":\"" + "x".repeat(65) + "\",\"count\":1}"), 400)
                .path("field").asString()).isEqualTo("name");
        assertThat(post("/probe/things", "{\"name\":\"two\\nlines \\ud83d\\ude80\",\"count\":1}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void valuesTheDatabaseRefusesAre400AndConflictsAre409WithoutTheDatabasesText() {
        JsonNode tooLong = expectProblem(get("/probe/store?state=22001"), 400);
        assertThat(tooLong.path("detail").asString()).isEqualTo("A value in the request is longer than this API can store.");
        assertThat(expectProblem(get("/probe/store?state=23514"), 400).path("detail").asString())
                .doesNotContain("violates");
        assertThat(expectProblem(get("/probe/store?state=23505"), 409).path("title").asString()).isEqualTo("Conflict");
        JsonNode other = expectProblem(get("/probe/store?state=08006"), 500);
        assertThat(other.path("detail").asString()).doesNotContain("connection");
    }

    @Test
    void aContentTypeThatCannotBeReadIsA400() {
        // query parameters bound into a record read form data too: a multipart type without boundary was a 500
        JsonNode problem = expectProblem(get("/probe/query?status=ok", "Content-Type: multipart/form-data"), 400);
        assertThat(problem.path("title").asString()).isEqualTo("Malformed request body");
        assertThat(get("/probe/query?status=ok").statusCode()).isEqualTo(200);
    }

    private Response get(String rawPathAndQuery) {
        return get(rawPathAndQuery, null);
    }

    /** Sent over a plain socket, byte for byte: HTTP client libraries refuse or re-encode a broken escape. */
    private Response get(String rawPathAndQuery, String header) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + rawPathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (header == null ? "" : header + "\r\n")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String head = raw.substring(0, raw.indexOf("\r\n\r\n"));
            String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
            }
            String contentType = head.lines().filter(line -> line.toLowerCase().startsWith("content-type:"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst().orElse("");
            return new Response(rawPathAndQuery, Integer.parseInt(head.split(" ")[1]), contentType, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Response post(String path, String json) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(path + " " + json, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Response(String request, int statusCode, String contentType, String body) {
    }

    private static JsonNode expectProblem(Response response, int status) {
        assertThat(response.statusCode()).as(response.request() + " → " + response.body()).isEqualTo(status);
        assertThat(response.contentType()).as(response.request()).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asString()).isNotEmpty().doesNotContain("java.").doesNotContain("Exception");
        return problem;
    }

    @SpringBootApplication
    static class ProbeApplication {

        /** The probes need no token: this chain is consulted before the resource server's. */
        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        SecurityWebFilterChain probes(ServerHttpSecurity http) {
            return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/probe/**"))
                    .csrf(ServerHttpSecurity.CsrfSpec::disable)
                    .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                    .build();
        }

        @Bean
        PlainProbes plainProbes() {
            return new PlainProbes();
        }

        @Bean
        ValidatedProbes validatedProbes() {
            return new ValidatedProbes();
        }
    }

    record Thing(@NotBlank @Size(max = 64) String name, int count, Map<String, String> labels, List<String> tags) {
    }

    record ProbeQuery(String status) {
    }

    @RestController
    static class PlainProbes {

        @GetMapping("/probe/query")
        Mono<String> query(@org.springframework.web.bind.annotation.ModelAttribute ProbeQuery query) {
            return Mono.just("ok " + query.status());
        }

        @GetMapping("/probe/items")
        Mono<String> items(@RequestParam(required = false) String status) {
            return Mono.just("ok");
        }

        @GetMapping("/probe/items/{name}")
        Mono<String> item(@PathVariable String name) {
            return Mono.just(name);
        }

        @GetMapping("/probe/plain")
        Mono<Integer> plain(@RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
            return Mono.just(size);
        }

        @PostMapping("/probe/things")
        Mono<Thing> things(@Valid @RequestBody Thing thing) {
            return Mono.just(thing);
        }

        /** What a repository lets out when PostgreSQL refuses a statement with this SQLSTATE. */
        @GetMapping("/probe/store")
        Mono<String> store(@RequestParam String state) {
            RuntimeException refusal = state.startsWith("2")
                    ? new R2dbcDataIntegrityViolationException("value too long for type character varying(32)", state)
                    : new R2dbcNonTransientResourceException("connection to 10.0.0.1 refused", state);
            return Mono.error(new IllegalStateException("executeMany; SQL [insert ...]", refusal));
        }
    }

    @RestController
    @Validated
    static class ValidatedProbes {

        @GetMapping("/probe/validated")
        Mono<Integer> validated(@RequestParam(defaultValue = "0") @Min(0) int page,
                                @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
            return Mono.just(page * size);
        }
    }
}
