/**
 * Notebooks and training jobs as the database keeps them (the desired state and its history), and the model that
 * turns one into Kubernetes objects ({@link ai.portal.jobs.workload.WorkloadResources}, pure).
 */
package ai.portal.jobs.workload;
