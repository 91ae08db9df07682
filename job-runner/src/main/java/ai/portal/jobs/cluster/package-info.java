/**
 * The job runner's view of the cluster, from informers: its own workload objects, Kueue's Workloads, ClusterQueues
 * and ResourceFlavors, nodes and their GPU capacity, team namespaces and quotas, events. Every read of live state
 * goes through {@link ai.portal.jobs.cluster.ClusterState}.
 */
package ai.portal.jobs.cluster;
