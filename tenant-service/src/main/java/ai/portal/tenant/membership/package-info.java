/** Who belongs to which team, in which role. */
package ai.portal.tenant.membership;
