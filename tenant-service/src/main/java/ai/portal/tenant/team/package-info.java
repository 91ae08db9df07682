/** Teams: their API, rules, persistence, and the snapshot of desired state the syncs converge to. */
package ai.portal.tenant.team;
