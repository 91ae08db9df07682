/** The audit trail every mutating service keeps: one row per mutating call, refusals included, and its admin API. */
package ai.portal.platform.audit;
