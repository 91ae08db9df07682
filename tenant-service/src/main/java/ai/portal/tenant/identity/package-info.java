/**
 * Keycloak identity: the two groups per team that carry its members into the {@code groups} claim (and from there
 * into Kubernetes RBAC as {@code oidc:/teams/team-<slug>}), and the user look-ups the member API needs. See DESIGN.md.
 */
package ai.portal.tenant.identity;
