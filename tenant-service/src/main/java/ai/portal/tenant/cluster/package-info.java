/**
 * The live cluster as tenant-service sees it: the fabric8 client, the {@link ai.portal.tenant.cluster.ClusterView}
 * whose informers answer every read of live state, and the {@code kubernetes} health indicator.
 */
package ai.portal.tenant.cluster;
