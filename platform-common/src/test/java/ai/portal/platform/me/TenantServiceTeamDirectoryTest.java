package ai.portal.platform.me;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ai.portal.platform.problem.ApiException;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The directory against an HTTP server standing in for tenant-service's {@code GET /api/v1/me} (what it answers and
 * whether it answers at all is what each test varies): answers are reused per token, except that a team missing
 * from a reused answer is asked for again at once; a refused token is the caller's 401; a server that never answers
 * is a 503 within the timeout.
 */
class TenantServiceTeamDirectoryTest {

    private final AtomicReference<String> teams = new AtomicReference<>("[]");
    private final AtomicInteger asked = new AtomicInteger();
    private final CountDownLatch never = new CountDownLatch(1);
    private volatile boolean answering = true;
    private volatile boolean refusing;
    private HttpServer server;

    private TenantServiceTeamDirectory directory(Duration cacheFor, Duration timeout) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/api/v1/me", exchange -> {
            asked.incrementAndGet();
            if (!answering) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (refusing) {
                byte[] refusal = "{\"status\":401,\"detail\":\"The bearer token was rejected: Jwt expired\"}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(401, refusal.length);
                exchange.getResponseBody().write(refusal);
                exchange.close();
                return;
            }
            byte[] body = ("{\"teams\":" + teams.get() + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new TenantServiceTeamDirectory(WebClient.create("http://127.0.0.1:" + server.getAddress().getPort()),
                cacheFor, timeout);
    }

    @AfterEach
    void stop() {
        never.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private static <T> Mono<T> asCaller(Mono<T> call) {
        Jwt jwt = Jwt.withTokenValue("token-of-alice").header("alg", "none").claim("sub", "alice").build();
        return call.contextWrite(ReactiveSecurityContextHolder.withAuthentication(new JwtAuthenticationToken(jwt)));
    }

    @Test
    void aTeamMissingFromAReusedAnswerIsAskedForAgainAtOnce() throws IOException {
        TenantServiceTeamDirectory directory = directory(Duration.ofHours(1), Duration.ofSeconds(3));
        assertThat(asCaller(directory.membershipOf(null, "vision")).blockOptional()).isEmpty();
        int before = asked.get();

        teams.set("[{\"slug\":\"vision\",\"displayName\":\"Vision\",\"role\":\"member\"}]");
        TeamMembership added = asCaller(directory.membershipOf(null, "vision")).block();
        assertThat(added).isNotNull();
        assertThat(added.role()).isEqualTo("member");
        assertThat(asked.get()).isEqualTo(before + 1);

        // a removal waits for the reused answer: it is still there within cacheFor, without asking
        teams.set("[]");
        assertThat(asCaller(directory.membershipOf(null, "vision")).block()).isNotNull();
        assertThat(asCaller(directory.teamsOf(null).collectList()).block()).extracting(TeamMembership::slug)
                .containsExactly("vision");
        assertThat(asked.get()).isEqualTo(before + 1);
    }

    @Test
    void aTokenTenantServiceRefusesIsTheCallers401NotA503() throws IOException {
        TenantServiceTeamDirectory directory = directory(Duration.ofSeconds(5), Duration.ofSeconds(3));
        refusing = true;
        assertLookupFails(directory, 401, "sign in again");
        // the refusal is not kept: once tenant-service takes the token, the next request gets its answer
        refusing = false;
        teams.set("[{\"slug\":\"vision\",\"displayName\":\"Vision\",\"role\":\"member\"}]");
        assertThat(asCaller(directory.membershipOf(null, "vision")).block()).isNotNull();
    }

    @Test
    void aTenantServiceThatNeverAnswersIsA503NotAWait() throws IOException {
        TenantServiceTeamDirectory directory = directory(Duration.ofSeconds(5), Duration.ofMillis(500));
        answering = false;
        assertLookupFails(directory, 503, "did not answer in time");
    }

    private static void assertLookupFails(TenantServiceTeamDirectory directory, int status, String detail) {
        assertThatThrownBy(() -> asCaller(directory.membershipOf(null, "vision")).block(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(ApiException.class, problem -> {
                    assertThat(problem.getStatusCode().value()).isEqualTo(status);
                    assertThat(problem.getBody().getDetail()).contains(detail);
                });
    }
}
