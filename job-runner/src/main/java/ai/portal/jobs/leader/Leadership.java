package ai.portal.jobs.leader;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import ai.portal.platform.installation.Installation;
import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * One replica of the job runner writes, all of them serve the API: the replica that holds the
 * {@code coordination.k8s.io} Lease {@code <instance>-job-runner} runs the loops that act on their own (the
 * reconciler, the history and usage recorders); the others wait for the lease. A leader that cannot renew stops
 * leading before its lease runs out, so two replicas never run the loops at once; a crashed leader's lease expires
 * after {@link LeaderProperties#leaseDuration()} and another replica takes over.
 */
@Component
@EnableConfigurationProperties(LeaderProperties.class)
public class Leadership implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    private final KubernetesClient client;
    private final LeaderProperties properties;
    private final String leaseName;
    private final String identity;
    private final String instance;
    private final Sinks.Many<Boolean> changes = Sinks.many().replay().latest();
    private volatile boolean leader;
    private volatile String currentLeader;
    private volatile CompletableFuture<?> election;
    private volatile boolean running;
    private final Executor executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "leader-election");
        thread.setDaemon(true);
        return thread;
    });

    Leadership(KubernetesClient client, LeaderProperties properties, Installation installation) {
        this.client = client;
        this.properties = properties;
        this.instance = installation.id();
        this.leaseName = installation.id() + "-job-runner";
        this.identity = hostname() + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        changes.tryEmitNext(false);
    }

    public boolean isLeader() {
        return leader;
    }

    /** This replica's identity in the Lease. */
    public String identity() {
        return identity;
    }

    /** Who holds the lease, as far as this replica last saw. */
    public String currentLeader() {
        return currentLeader;
    }

    /** Whether this replica leads, now and at every change (replays the current value to new subscribers). */
    public Flux<Boolean> changes() {
        return changes.asFlux().distinctUntilChanged();
    }

    @Override
    public synchronized void start() {
        running = true;
        elect();
        log.info("candidate for lease {}/{} as {}", properties.namespace(), leaseName, identity);
    }

    /**
     * One election: fabric8's elector returns once this replica has lost the lease (as client-go's does), so a
     * replica that is still running stands again, and a replica that lost the lease through a slow API server
     * leads again later instead of never.
     */
    private synchronized void elect() {
        if (!running) {
            return;
        }
        LeaseLock lock = new LeaseLock(new ObjectMetaBuilder().withNamespace(properties.namespace())
                .withName(leaseName)
                .addToLabels(PortalLabels.MANAGED_BY, PortalLabels.MANAGER)
                .addToLabels(PortalLabels.INSTANCE, instance)
                .build(), identity);
        var config = new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(lock)
                .withLeaseDuration(properties.leaseDuration())
                .withRenewDeadline(properties.renewDeadline())
                .withRetryPeriod(properties.retryPeriod())
                .withReleaseOnCancel()
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                .build();
        CompletableFuture<?> current = new LeaderElectorBuilder(client, executor).withConfig(config).build().start();
        election = current;
        current.whenComplete((ignored, error) -> {
            if (running && election == current) {
                CompletableFuture.delayedExecutor(properties.retryPeriod().toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS).execute(this::elect);
            }
        });
    }

    private void started() {
        leader = true;
        log.info("leading: this replica ({}) runs the reconciler and recorders", identity);
        changes.tryEmitNext(true);
    }

    private void stopped() {
        leader = false;
        log.info("no longer leading ({})", identity);
        changes.tryEmitNext(false);
    }

    private void newLeader(String who) {
        currentLeader = who;
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (election != null) {
            election.cancel(true);
            election = null;
        }
        if (leader) {
            stopped();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Start before the loops (they subscribe to {@link #changes()}) and stop after them. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    private static String hostname() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "job-runner";
        }
    }
}
