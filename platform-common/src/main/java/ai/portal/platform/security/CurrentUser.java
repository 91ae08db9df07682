package ai.portal.platform.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The caller as the validated token describes them.
 *
 * @param subject  OIDC {@code sub}: stable id of the user or service account
 * @param username {@code preferred_username}
 * @param name     display name, falls back to the username
 * @param email    may be null (service accounts)
 * @param roles    portal realm roles
 * @param groups   the {@code groups} claim (Keycloak group names)
 */
public record CurrentUser(String subject, String username, String name, String email,
                          Set<String> roles, Set<String> groups) {

    /**
     * The installation's own settings (the Helm chart's values) acting at a service's startup, e.g. adding the
     * catalogue entries they list: they are the operator's, so they act as a platform admin, audited as
     * {@code installation}.
     */
    public static final CurrentUser INSTALLATION = new CurrentUser("system:installation", "installation",
            "Installation settings", null, Set.of(PortalRoles.PLATFORM_ADMIN), Set.of());

    public static CurrentUser from(Jwt jwt) {
        String username = firstNonBlank(jwt.getClaimAsString("preferred_username"), jwt.getSubject());
        return new CurrentUser(
                jwt.getSubject(),
                username,
                firstNonBlank(jwt.getClaimAsString("name"), username),
                jwt.getClaimAsString("email"),
                realmRoles(jwt),
                new TreeSet<>(nullToEmpty(jwt.getClaimAsStringList("groups"))));
    }

    public boolean isPlatformAdmin() {
        return roles.contains(PortalRoles.PLATFORM_ADMIN);
    }

    /** Keycloak puts realm roles under {@code realm_access.roles}. */
    static Set<String> realmRoles(Jwt jwt) {
        Map<String, Object> realmAccess = jwt.getClaimAsMap("realm_access");
        if (realmAccess == null || !(realmAccess.get("roles") instanceof Collection<?> roles)) {
            return Set.of();
        }
        Set<String> names = new TreeSet<>();
        roles.forEach(role -> names.add(String.valueOf(role)));
        return names;
    }

    private static String firstNonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static List<String> nullToEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }
}
