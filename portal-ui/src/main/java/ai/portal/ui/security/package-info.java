/** Keycloak login, the roles read from it, and the current-user abstraction views use. */
package ai.portal.ui.security;
