/** The job runner's audit trail: one row per mutating call, refusals included, and its API for admins. */
package ai.portal.jobs.audit;
