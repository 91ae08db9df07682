/**
 * Converging Kubernetes and Keycloak towards the teams in the database: the work queue, the periodic resync, the
 * {@link ai.portal.tenant.domain.TeamSync} implementations' contract, and each team's status.
 */
package ai.portal.tenant.sync;
