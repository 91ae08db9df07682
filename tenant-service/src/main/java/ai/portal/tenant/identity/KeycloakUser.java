package ai.portal.tenant.identity;

import org.keycloak.representations.idm.UserRepresentation;

/**
 * A user of the portal realm, as the member API shows it.
 *
 * @param subject     Keycloak's user id, the OIDC {@code sub} of the user's tokens
 * @param username    Keycloak's username (always lower case)
 * @param displayName first and last name, or the username when the user has neither
 * @param email       may be null
 */
public record KeycloakUser(String subject, String username, String displayName, String email) {

    static KeycloakUser of(UserRepresentation user) {
        String name = String.join(" ", nonBlank(user.getFirstName()), nonBlank(user.getLastName())).strip();
        return new KeycloakUser(user.getId(), user.getUsername(), name.isEmpty() ? user.getUsername() : name,
                user.getEmail());
    }

    private static String nonBlank(String value) {
        return value == null ? "" : value.strip();
    }
}
