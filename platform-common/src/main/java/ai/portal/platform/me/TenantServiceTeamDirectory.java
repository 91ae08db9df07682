package ai.portal.platform.me;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
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

    // suppressCancel: the future is shared through the cache; one caller going away must not cancel it for others
    private Mono<List<TeamMembership>> answer(String token) {
        return Mono.fromFuture(answers.get(token, (key, executor) -> fetch(key).toFuture()), true);
    }

    /** Forgets every cached answer, e.g. when a test or an operator needs removals to take effect at once. */
    public void forgetAll() {
        answers.synchronous().invalidateAll();
    }

    private Mono<List<TeamMembership>> fetch(String token) {
        return tenant.get().uri("/api/v1/me")
                .headers(headers -> headers.setBearerAuth(token))
                .retrieve()
                .bodyToMono(ME)
                .map(me -> me.teams() == null ? List.<TeamMembership>of() : List.copyOf(me.teams()))
                .timeout(timeout)
                .onErrorMap(failure -> !(failure instanceof ApiException), TenantServiceTeamDirectory::unavailable);
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
