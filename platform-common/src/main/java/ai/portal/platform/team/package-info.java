/**
 * One home for how the portal names a team's things: the slug rule, the namespace, the Keycloak groups, the labels
 * and annotations every object carries, and the GPU resource names. Every service derives these from here.
 */
package ai.portal.platform.team;
