package ai.portal.ui.security;

import java.util.Set;
import java.util.TreeSet;

import com.vaadin.flow.spring.security.AuthenticationContext;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;

/** The signed-in user as views need them: display name, username, roles; and logging out. */
@Component
public class CurrentUser {

    public static final String PLATFORM_ADMIN = "platform-admin";
    public static final String DATA_SCIENTIST = "data-scientist";

    private final AuthenticationContext authentication;

    CurrentUser(AuthenticationContext authentication) {
        this.authentication = authentication;
    }

    public String displayName() {
        return user().getFullName() != null ? user().getFullName() : username();
    }

    public String username() {
        return user().getPreferredUsername();
    }

    public Set<String> roles() {
        Set<String> roles = new TreeSet<>();
        for (GrantedAuthority authority : user().getAuthorities()) {
            String name = authority.getAuthority();
            if (name.startsWith("ROLE_")) {
                roles.add(name.substring("ROLE_".length()));
            }
        }
        return roles;
    }

    public boolean hasPortalAccess() {
        Set<String> roles = roles();
        return roles.contains(PLATFORM_ADMIN) || roles.contains(DATA_SCIENTIST);
    }

    public boolean isPlatformAdmin() {
        return roles().contains(PLATFORM_ADMIN);
    }

    /** Whether anyone is signed in (false on the anonymous "signed out" page). */
    public boolean isSignedIn() {
        return authentication.getAuthenticatedUser(OidcUser.class).isPresent();
    }

    /** Ends the portal session and, through RP-initiated logout, the Keycloak session. */
    public void logout() {
        authentication.logout();
    }

    private OidcUser user() {
        return authentication.getAuthenticatedUser(OidcUser.class)
                .orElseThrow(() -> new IllegalStateException("No signed-in user in this request"));
    }
}
