/**
 * The notebook and job API: launch (validated, checked against quotas and nodes, audited), stop, start, cancel,
 * delete, lists and details with live status, and what a team can launch now.
 */
package ai.portal.jobs.launch;
