package ai.portal.tenant.sync;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replica of this installation's tenant-service runs the reconciler and the clean-up: the holder of the
 * {@code coordination.k8s.io} Lease {@code <instance>-tenant-service}, taken and renewed with fabric8's
 * {@code LeaderElector}. Every replica keeps serving the API. fabric8's elector ends when its holder loses the lease;
 * this starts a new one, so a replica that lost it competes again. Without a cluster (provisioning switched off)
 * there is nothing to share and the only replica leads.
 */
class Leadership {

    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    /** What the reconciler does when this replica starts or stops leading. */
    interface Follower {
        void startLeading();

        void stopLeading();
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String instance;
    private final String identity;
    private final ReconcileProperties properties;
    private final ScheduledExecutorService again = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("leader-election").factory());
    private Follower follower;
    private volatile boolean leading;
    private volatile String leader;
    private volatile boolean running;
    private volatile CompletableFuture<?> election;

    Leadership(KubernetesClient client, String instance, ReconcileProperties properties) {
        this.client = client;
        this.instance = instance;
        this.properties = properties;
        this.namespace = properties.leaseNamespace();
        this.name = instance + "-tenant-service";
        this.identity = newIdentity();
    }

    synchronized void start(Follower follower) {
        this.follower = follower;
        running = true;
        if (client == null) {
            log.info("no cluster: this replica leads alone");
            leader = identity;
            leading = true;
            follower.startLeading();
            return;
        }
        compete();
    }

    synchronized void stop() {
        running = false;
        again.shutdownNow();
        if (election != null) {
            election.cancel(true); // releases the lease (releaseOnCancel) and calls stopLeading when leading
        }
        if (client == null && leading) {
            leading = false;
            follower.stopLeading();
        }
    }

    boolean isLeader() {
        return leading;
    }

    /** The identity of the replica that holds the lease, as last seen; null when none is known yet. */
    String leader() {
        return leader;
    }

    String identity() {
        return identity;
    }

    String lease() {
        return namespace + "/" + name;
    }

    private synchronized void compete() {
        if (!running) {
            return;
        }
        try {
            var config = new LeaderElectionConfigBuilder()
                    .withName(name)
                    .withLock(new LeaseLock(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
                            .withLabels(labels()).build(), identity))
                    .withLeaseDuration(properties.leaseDuration())
                    .withRenewDeadline(properties.renewDeadline())
                    .withRetryPeriod(properties.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                    .build();
            election = client.leaderElector().withConfig(config).build().start();
            election.whenComplete((done, error) -> {
                if (running) {
                    log.info("leader election for {} ended{}; competing again", lease(),
                            error == null ? "" : " (" + error + ")");
                    again.schedule(this::compete, properties.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
                }
            });
        } catch (RuntimeException e) {
            log.warn("could not take part in the leader election for {} ({}); trying again", lease(), e.toString());
            again.schedule(this::compete, properties.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The lease carries the installation's labels like everything else it creates (set when the lock creates it). */
    private Map<String, String> labels() {
        return Map.of(PortalLabels.MANAGED_BY, PortalLabels.MANAGER, PortalLabels.INSTANCE, instance);
    }

    private void started() {
        log.info("{} leads {}: running the reconciler", identity, lease());
        leading = true;
        leader = identity;
        follower.startLeading();
    }

    private void stopped() {
        if (leading) {
            log.info("{} no longer leads {}: stopping the reconciler", identity, lease());
            leading = false;
            follower.stopLeading();
        }
    }

    private void newLeader(String holder) {
        leader = holder;
        log.info("{} is led by {}", lease(), holder);
    }

    /** The pod name in a cluster (HOSTNAME), else host name and a random part: unique per process. */
    private static String newIdentity() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "tenant-service";
            }
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
