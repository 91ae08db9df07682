/**
 * Provisioning teams on Kubernetes: {@link ai.portal.tenant.provisioning.TeamResources} (the model, a pure function),
 * {@link ai.portal.tenant.provisioning.KubernetesTeamSync} (server-side apply and pruning),
 * {@link ai.portal.tenant.provisioning.ManagedObjectWatcher} (drift repair through informers) and their wiring.
 * See DESIGN.md in this folder.
 */
package ai.portal.tenant.provisioning;
