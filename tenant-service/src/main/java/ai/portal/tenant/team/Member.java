package ai.portal.tenant.team;

/**
 * One member of a team.
 *
 * @param subject  the Keycloak user id (OIDC {@code sub}), the stable key
 * @param username the Keycloak username, for people to read
 */
public record Member(String subject, String username, TeamRole role) {
}
