/**
 * What a workload's status says and why: the phase from the informers, a reason in plain words from Kueue's
 * conditions and the queue's usage, positions from Kueue's visibility API, and the portal's own start estimate.
 * See DESIGN.md.
 */
package ai.portal.jobs.status;
