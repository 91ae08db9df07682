/**
 * The cluster's Prometheus as the job runner reads it: one instant query at a time, one number back. Used by the idle
 * culler (GPU utilisation) and by a workload's detail (the most its container used over the last days).
 */
package ai.portal.jobs.prometheus;
