package ai.portal.tenant.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import ai.portal.platform.installation.Installation;
import ai.portal.tenant.cluster.ClusterConfiguration;
import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.cluster.KubernetesHealthIndicator;
import ai.portal.tenant.domain.ReconcileTrigger;
import ai.portal.tenant.domain.TeamSync;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The wiring alone (no database, no Keycloak): beans, properties, the switch, and the health indicator. */
class ProvisioningConfigurationTest {

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(ClusterConfiguration.class, ProvisioningConfiguration.class)
            .withBean(Installation.class, () -> new Installation("config-test"))
            .withBean(ReconcileTrigger.class, () -> new ReconcileTrigger() {
                @Override
                public void request(String slug) {
                }

                @Override
                public void requestInstallation() {
                }

                @Override
                public void requestEverything() {
                }
            });

    @Test
    void wiresTheSyncTheWatcherAndTheHealthIndicator() {
        String kubeconfig = TestCluster.kubeconfigFile().getAbsolutePath(); // fails clearly without a cluster
        runner.withPropertyValues("portal.provisioning.portal-namespace=portal-x",
                "portal.provisioning.kubeconfig=" + kubeconfig).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(TeamSync.class).name()).isEqualTo("kubernetes");
            assertThat(context.getBean(ProvisioningProperties.class).portalNamespace()).isEqualTo("portal-x");
            assertThat(context.getBean(ClusterView.class).isRunning()).isTrue();
            assertThat(context).hasSingleBean(ManagedObjectWatcher.class);
            assertThat(context.getBean(KubernetesHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void leavesKubernetesAloneWhenDisabled() {
        runner.withPropertyValues("portal.provisioning.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(KubernetesClient.class);
            assertThat(context).doesNotHaveBean(TeamSync.class);
            assertThat(context).doesNotHaveBean(ManagedObjectWatcher.class);
            assertThat(context).doesNotHaveBean(ClusterView.class);
        });
    }

    @Test
    void reportsAnUnreachableApiServerAsDown() {
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:1").withRequestRetryBackoffLimit(0).withConnectionTimeout(2000)
                .build()).build()) {
            var health = new KubernetesHealthIndicator(unreachable, null).health();

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("server", "https://127.0.0.1:1/").containsKey("error");
        }
    }
}
