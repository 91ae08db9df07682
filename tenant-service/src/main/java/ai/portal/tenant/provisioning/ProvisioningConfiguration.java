package ai.portal.tenant.provisioning;

import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.domain.ReconcileTrigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires provisioning on the cluster connection of {@code ai.portal.tenant.cluster}: the {@code kubernetes}
 * {@link ai.portal.tenant.domain.TeamSync} (namespaces and Kueue queues) and drift repair. {@code portal.provisioning.enabled=false} turns it off.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ProvisioningProperties.class, KueueProperties.class})
@ConditionalOnProperty(prefix = "portal.provisioning", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ProvisioningConfiguration {

    @Bean
    AppliedVersions appliedVersions() {
        return new AppliedVersions();
    }

    @Bean
    KubernetesTeamSync kubernetesTeamSync(KubernetesClient client, ClusterView view, ProvisioningProperties properties,
                                          KueueProperties kueue, AppliedVersions applied) {
        return new KubernetesTeamSync(client, view, properties, kueue, applied);
    }

    /** Looks the trigger up per event, so the work queue may itself depend on the syncs without a cycle. */
    @Bean
    ManagedObjectWatcher managedObjectWatcher(ClusterView view, KubernetesClient client,
                                              ObjectProvider<ReconcileTrigger> triggers, AppliedVersions applied) {
        return new ManagedObjectWatcher(view, client.getKubernetesSerialization(), new ReconcileTrigger() {
            @Override
            public void request(String slug) {
                triggers.ifAvailable(trigger -> trigger.request(slug));
            }

            @Override
            public void requestInstallation() {
                triggers.ifAvailable(ReconcileTrigger::requestInstallation);
            }

            @Override
            public void requestEverything() {
                triggers.ifAvailable(ReconcileTrigger::requestEverything);
            }
        }, applied);
    }
}
