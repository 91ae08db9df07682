/** Teams: their API and the rules of a team's life (create, update, archive, delete). */
package ai.portal.tenant.team;
