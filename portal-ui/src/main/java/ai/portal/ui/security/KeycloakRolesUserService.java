package ai.portal.ui.security;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keycloak puts realm roles in the access token, not the ID token. At login the access token has just come from
 * Keycloak's token endpoint over the back channel, so its {@code realm_access.roles} are read as the user's
 * authorities ({@code ROLE_platform-admin}, ...) for showing and hiding views. The backends check the token again
 * on every call; this is never the last word on access.
 */
@Component
class KeycloakRolesUserService implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final OidcUserService delegate = new OidcUserService();

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser user = delegate.loadUser(request);
        Collection<GrantedAuthority> authorities = new ArrayList<>(user.getAuthorities());
        realmRoles(request.getAccessToken().getTokenValue())
                .forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role)));
        return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), "preferred_username");
    }

    static List<String> realmRoles(String accessToken) {
        String[] parts = accessToken.split("\\.");
        if (parts.length < 2) {
            return List.of();
        }
        JsonNode roles = JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).path("realm_access").path("roles");
        List<String> names = new ArrayList<>();
        roles.forEach(role -> names.add(role.asString()));
        return names;
    }
}
