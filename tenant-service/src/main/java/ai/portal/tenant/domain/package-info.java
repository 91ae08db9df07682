/**
 * What every feature of tenant-service shares and none owns: the values of a team (its record, members, quota, the
 * snapshot the syncs converge to), the problems a caller can act on, and the ports through which features ask for
 * work without knowing who does it ({@link ai.portal.tenant.domain.ReconcileTrigger},
 * {@link ai.portal.tenant.domain.TeamSync}). It imports no other package of the service and no infrastructure.
 */
package ai.portal.tenant.domain;
