package ai.portal.tenant.domain;

import ai.portal.platform.team.TeamRole;

/**
 * One member of a team.
 *
 * @param subject  the Keycloak user id (OIDC {@code sub}), the stable key
 * @param username the Keycloak username, for people to read
 */
public record Member(String subject, String username, TeamRole role) {
}
