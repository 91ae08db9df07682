package ai.portal.platform.me;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * For services that keep no membership data: the caller's teams come from tenant-service ({@code GET /api/v1/me}
 * with the caller's own token), so access follows the database and ends when tenant-service removes a member, not
 * when the token expires. Answers are kept for a few seconds per token, which bounds how long a removal takes to
 * reach this service; an addition takes effect at once ({@link #membershipOf}).
 */
public class TenantServiceTeamDirectory implements TeamDirectory {

    private static final ParameterizedTypeReference<MeAnswer> ME = new ParameterizedTypeReference<>() {
    };

    /** How long after the WebClient's timeout the lookup's own deadline ({@link #answer}) fails it. */
    static final Duration DEADLINE_GRACE = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(TenantServiceTeamDirectory.class);

    private final WebClient tenant;
    private final Duration timeout;
    private final AsyncCache<String, List<TeamMembership>> answers;

    public TenantServiceTeamDirectory(WebClient tenant, Duration cacheFor, Duration timeout) {
        this.tenant = tenant;
        this.timeout = timeout;
        this.answers = Caffeine.newBuilder().expireAfterWrite(cacheFor).maximumSize(10_000).buildAsync();
    }

    @Override
    public Flux<TeamMembership> teamsOf(CurrentUser user) {
        return callerToken().flatMap(this::answer).flatMapIterable(teams -> teams);
    }

    /**
     * A reused answer that lacks the team is dropped and asked again: a member just added must not wait out the
     * cache. Concurrent requests share the one call (the cache holds it while it is under way).
     */
    @Override
    public Mono<TeamMembership> membershipOf(CurrentUser user, String slug) {
        return callerToken().flatMap(token -> answer(token)
                .flatMap(teams -> find(teams, slug).map(Mono::just).orElseGet(() -> {
                    answers.synchronous().invalidate(token);
                    return answer(token).flatMap(fresh -> Mono.justOrEmpty(find(fresh, slug)));
                })));
    }

    private static Optional<TeamMembership> find(List<TeamMembership> teams, String slug) {
        return teams.stream().filter(membership -> slug.equals(membership.slug())).findFirst();
    }

    private static Mono<String> callerToken() {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(context -> context.getAuthentication() instanceof JwtAuthenticationToken jwt
                        ? jwt.getToken().getTokenValue() : null)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                        "no bearer token in the security context to ask tenant-service with")));
    }

    /**
     * The answer for this token, one lookup shared by concurrent callers through the cache (a caller going away does
     * not cancel it for the others). The lookup also has a deadline of the JDK's own timer, a little after the
     * WebClient's: should that timeout not fire (it runs on Reactor's scheduler), the lookup still fails for every
     * waiter with a 503 instead of leaving them waiting without end, and is logged. A failed lookup is dropped from
     * the cache, so the next request asks again.
     */
    private Mono<List<TeamMembership>> answer(String token) {
        return Mono.defer(() -> {
                    CompletableFuture<List<TeamMembership>> lookup = answers.get(token, (key, executor) ->
                            fetch(key).toFuture().orTimeout(timeout.plus(DEADLINE_GRACE).toMillis(),
                                    TimeUnit.MILLISECONDS));
                    // a failed lookup is gone before its waiters hear of it (the cache's own removal may come
                    // after), so the next request asks again
                    return Mono.fromFuture(lookup, true).doOnError(failure -> answers.asMap().remove(token, lookup));
                })
                .onErrorMap(TimeoutException.class, stuck -> {
                    log.warn("a team membership lookup at tenant-service did not end within {} (its own timeout {}); "
                            + "answering 503", timeout.plus(DEADLINE_GRACE), timeout);
                    return unavailable(stuck);
                });
    }

    private Mono<List<TeamMembership>> fetch(String token) {
        return tenant.get().uri("/api/v1/me")
                .headers(headers -> headers.setBearerAuth(token))
                .retrieve()
                .bodyToMono(ME)
                .map(me -> me.teams() == null ? List.<TeamMembership>of() : List.copyOf(me.teams()))
                .timeout(timeout)
                .onErrorMap(failure -> !(failure instanceof ApiException), TenantServiceTeamDirectory::failed);
    }

    /**
     * tenant-service refusing the caller's own token (which this service accepted a moment before: it expired
     * meanwhile, or its signing key changed) is the caller's 401, said with tenant-service's reason; anything else
     * is this service's 503.
     */
    private static ApiException failed(Throwable failure) {
        if (failure instanceof WebClientResponseException response && response.getStatusCode().value() == 401) {
            String reason = response.getResponseBodyAsString();
            log.warn("tenant-service refused the caller's token when asked for its teams: {}", reason);
            return new ApiException(HttpStatus.UNAUTHORIZED, "Authentication required",
                    "The bearer token was refused by tenant-service when this service asked for your teams; sign in "
                            + "again.");
        }
        return unavailable(failure);
    }

    private static ApiException unavailable(Throwable failure) {
        String why = failure instanceof WebClientResponseException response
                ? "it answered " + response.getStatusCode().value()
                : failure instanceof WebClientRequestException ? "it could not be reached" : "it did not answer in time";
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "Team directory unavailable",
                "Team membership could not be checked with tenant-service: " + why + ". Try again shortly.");
    }

    /** The part of tenant-service's {@code /api/v1/me} answer this needs. */
    record MeAnswer(List<TeamMembership> teams) {
    }
}
