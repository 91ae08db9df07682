package ai.portal.tenant.sync;

import java.util.List;

import ai.portal.platform.installation.Installation;
import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.domain.InstallationSync;
import ai.portal.tenant.domain.TeamSync;
import ai.portal.tenant.store.TeamRepository;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** The reconcile loop, its leader election, the hand-over of requests between replicas, and its health. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReconcileProperties.class)
class ReconcileConfiguration {

    @Bean
    Leadership leadership(ObjectProvider<KubernetesClient> client, Installation installation,
                          ReconcileProperties properties) {
        return new Leadership(client.getIfAvailable(), installation.id(), properties);
    }

    @Bean
    ReconcileNotifications reconcileNotifications(DatabaseClient db, ConnectionFactory connections,
                                                  Installation installation) {
        return new ReconcileNotifications(db, connections, installation.id());
    }

    @Bean
    TeamReconciler teamReconciler(TeamRepository teams, SyncStatusRepository statuses, List<TeamSync> syncs,
                                  List<InstallationSync> installationSyncs, ReconcileProperties properties,
                                  Leadership leadership, ReconcileNotifications notifications, MeterRegistry meters,
                                  ObjectProvider<ClusterView> view) {
        TeamReconciler reconciler = new TeamReconciler(teams, statuses, syncs, installationSyncs, properties,
                leadership, notifications, meters);
        // the installation's Kueue flavors are skipped while Kueue's API is not served (yet): converge them as soon
        // as it is, not at the next resync (5 min), or every team's ClusterQueue names flavors that do not exist
        view.ifAvailable(cluster -> cluster.onOptionalKindServed(reconciler::requestInstallation));
        return reconciler;
    }

    /** Takes part in the election once the application runs (after the cluster view started), leaves it first. */
    @Bean
    SmartLifecycle leaderElection(Leadership leadership, TeamReconciler reconciler) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                leadership.start(reconciler);
                running = true;
            }

            @Override
            public void stop() {
                leadership.stop();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }

    @Bean
    ReconcilerHealthIndicator reconcilerHealthIndicator(TeamReconciler reconciler) {
        return new ReconcilerHealthIndicator(reconciler);
    }
}
