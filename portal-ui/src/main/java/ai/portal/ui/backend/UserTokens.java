package ai.portal.ui.backend;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;

/** The signed-in user's access token (refreshed when expired), for the few calls not made through RestClient. */
class UserTokens {

    private final OAuth2AuthorizedClientManager manager;
    private final String registration;

    UserTokens(OAuth2AuthorizedClientManager manager, String registration) {
        this.manager = manager;
        this.registration = registration;
    }

    /**
     * The signed-in user's token source, usable from any thread later (e.g. when a stream reconnects): it remembers
     * who the user is now and asks for their current, refreshed token each time.
     */
    java.util.function.Supplier<String> ofCurrentUser(Backend backend) {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        if (user == null) {
            throw new BackendException(backend, 401, null, null, java.util.List.of(), null);
        }
        return () -> tokenOf(user, backend);
    }

    private String tokenOf(Authentication user, Backend backend) {
        OAuth2AuthorizedClient client = manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(registration)
                .principal(user).build());
        if (client == null) {
            throw new BackendException(backend, 401, null, null, java.util.List.of(), null);
        }
        return client.getAccessToken().getTokenValue();
    }
}
