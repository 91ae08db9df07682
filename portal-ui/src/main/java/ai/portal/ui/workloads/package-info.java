/**
 * Notebooks and training jobs (job-runner): lists with status, queue position, reason and estimated start; the
 * launch and submit forms; a workload's detail with its timeline, events and live log tail (logging-pipeline).
 */
package ai.portal.ui.workloads;
