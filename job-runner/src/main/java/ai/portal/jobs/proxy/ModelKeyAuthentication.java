package ai.portal.jobs.proxy;

import java.util.List;

import ai.portal.jobs.serving.ApiKeyService;
import ai.portal.jobs.serving.ApiKeyService.Grant;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import reactor.core.publisher.Mono;

/**
 * A machine client signed in with a model deployment's API key ({@code Authorization: Bearer pmk_…}): it may call
 * that one deployment and nothing else. Not a person: it has no team role and reaches no other path.
 */
final class ModelKeyAuthentication extends AbstractAuthenticationToken {

    private final Grant grant;

    ModelKeyAuthentication(Grant grant) {
        super(List.of());
        this.grant = grant;
        setAuthenticated(true);
    }

    Grant grant() {
        return grant;
    }

    /** Whether the key opens {@code team}'s deployment {@code name}. */
    boolean opens(String team, String name) {
        return grant.team().equals(team) && grant.deployment().equals(name);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return grant;
    }

    @Override
    public String getName() {
        return "api-key:" + grant.keyId();
    }

    /**
     * The model gateway's bearer check: a credential in the API key scheme is looked up ({@link ApiKeyService}: an
     * unknown or revoked key is a 401 like an invalid token), any other is an OIDC access token for {@code jwt}.
     */
    static ReactiveAuthenticationManager keysOr(ApiKeyService keys, ReactiveAuthenticationManager jwt) {
        return authentication -> {
            if (authentication instanceof BearerTokenAuthenticationToken bearer
                    && ApiKeyService.looksLikeKey(bearer.getToken())) {
                return keys.authenticate(bearer.getToken())
                        .<Authentication>map(ModelKeyAuthentication::new)
                        .switchIfEmpty(Mono.error(() -> new InvalidBearerTokenException(
                                "This API key is not valid: unknown or revoked.")));
            }
            return jwt.authenticate(authentication);
        };
    }
}
