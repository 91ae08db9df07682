package ai.portal.jobs.proxy;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.security.PortalRoles;
import ai.portal.platform.team.TeamAccessDenied;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamGrant;
import ai.portal.platform.team.TeamPermission;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;

/**
 * Who may reach a notebook: the signed-in browser user's current access token (refreshed through the session's
 * refresh token when it expired) is checked like any API call's bearer token, and the team's role comes from the
 * team directory (tenant-service), exactly as for the API. Opening a notebook runs code in the team's namespace,
 * so it needs what launching does: owner or member ({@link TeamPermission#EDIT}); viewers are refused.
 */
class NotebookAccess {

    /** The user is no longer signed in (the refresh token was refused, or the session is gone). */
    static final class SignedOut extends RuntimeException {
        SignedOut() {
            super("signed out", null, false, false);
        }
    }

    private final ReactiveOAuth2AuthorizedClientManager clients;
    private final ReactiveJwtDecoder decoder;
    private final TeamAuthorizer authorizer;
    private final String registrationId;

    NotebookAccess(ReactiveOAuth2AuthorizedClientManager clients, ReactiveJwtDecoder decoder, TeamAuthorizer authorizer,
                   String registrationId) {
        this.clients = clients;
        this.decoder = decoder;
        this.authorizer = authorizer;
        this.registrationId = registrationId;
    }

    /** The grant when {@code login} may use team {@code team}'s notebooks; else an error (TeamAccessDenied, …). */
    Mono<TeamGrant> check(Authentication login, String team) {
        return check(login, team, TeamPermission.EDIT);
    }

    /**
     * The grant when {@code login} has {@code need} in team {@code team}: a browser's session login (its current
     * access token, refreshed when expired) or a client's bearer token, which the proxy's chain already validated.
     */
    Mono<TeamGrant> check(Authentication login, String team, TeamPermission need) {
        Mono<org.springframework.security.oauth2.jwt.Jwt> token;
        if (login instanceof JwtAuthenticationToken bearer) {
            token = Mono.just(bearer.getToken());
        } else {
            OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId(registrationId)
                    .principal(login).build();
            token = clients.authorize(request)
                    .onErrorMap(failure -> new SignedOut())
                    .switchIfEmpty(Mono.error(SignedOut::new))
                    .flatMap(client -> decoder.decode(client.getAccessToken().getTokenValue())
                            .onErrorMap(failure -> new SignedOut()));
        }
        return token
                .flatMap(jwt -> {
                    CurrentUser user = CurrentUser.from(jwt);
                    // the API's rule too: a signed-in user without a portal role reaches nothing
                    if (!user.roles().contains(PortalRoles.PLATFORM_ADMIN)
                            && !user.roles().contains(PortalRoles.DATA_SCIENTIST)) {
                        return Mono.error(TeamAccessDenied.forbidden(team, need));
                    }
                    JwtAuthenticationToken bearer = new JwtAuthenticationToken(jwt, java.util.List.of(),
                            user.username());
                    return authorizer.require(user, team, need)
                            .contextWrite(ReactiveSecurityContextHolder.withAuthentication(bearer));
                });
    }
}
