/**
 * Access requests: someone signed in without a portal role asks for access (a reason, optionally a team); a
 * platform admin grants the {@code data-scientist} realm role and/or a membership, or refuses with a reason.
 */
package ai.portal.tenant.accessrequest;
