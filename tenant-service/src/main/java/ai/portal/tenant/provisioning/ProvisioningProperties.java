package ai.portal.tenant.provisioning;

import java.math.BigDecimal;
import java.util.List;

import io.fabric8.kubernetes.api.model.Quantity;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How teams are provisioned on Kubernetes ({@code portal.provisioning.*}). Defaults live both here and in
 * {@code application.yaml}, so the record is usable on its own in tests ({@link #defaults()}).
 *
 * @param enabled              {@code false} leaves Kubernetes alone: no client, no sync, no watcher
 * @param fieldManager         the server-side apply field manager every object is written under
 * @param portalNamespace      the namespace the portal's services run in; may send traffic into team namespaces
 * @param monitoringNamespace  the namespace Prometheus runs in; may scrape team namespaces
 * @param dnsNamespace         the namespace cluster DNS runs in; team pods may send DNS queries there
 * @param oidcGroupPrefix      the prefix the API server's OIDC authenticator puts before the token's groups: group {@code <prefix>/teams/team-<slug>}
 * @param serviceAccounts      the portal services' own service accounts: each gets its own Role in every team
 *                             namespace, with only what that service does there
 * @param containerDefaults    the LimitRange defaults for containers that state no requests or limits
 * @param ephemeralStorage     every team's bound on node-local disk: the quota, and the LimitRange's defaults and
 *                             maximum per container
 * @param maxPods              {@code pods} (non-terminal pods) in every team's ResourceQuota
 * @param clusterCidrs         pod and service ranges: team pods may not reach them except as allowed above
 * @param allowExternalEgress  whether team pods may reach addresses outside the cluster
 */
@ConfigurationProperties("portal.provisioning")
public record ProvisioningProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("ai-portal-tenant-service") String fieldManager,
        @DefaultValue("ai-portal") String portalNamespace,
        @DefaultValue("monitoring") String monitoringNamespace,
        @DefaultValue("kube-system") String dnsNamespace,
        @DefaultValue("oidc:") String oidcGroupPrefix,
        @DefaultValue ServiceAccounts serviceAccounts,
        @DefaultValue ContainerDefaults containerDefaults,
        @DefaultValue EphemeralStorage ephemeralStorage,
        @DefaultValue("100") int maxPods,
        @DefaultValue({"10.96.0.0/12", "10.244.0.0/16"}) List<String> clusterCidrs,
        @DefaultValue("true") boolean allowExternalEgress) {

    public ProvisioningProperties {
        if (serviceAccounts == null) {
            serviceAccounts = ServiceAccounts.NONE;
        }
        clusterCidrs = clusterCidrs == null ? List.of() : List.copyOf(clusterCidrs);
        if (containerDefaults == null) {
            containerDefaults = ContainerDefaults.DEFAULT;
        }
        if (ephemeralStorage == null) {
            ephemeralStorage = EphemeralStorage.DEFAULT;
        }
        if (maxPods < 0) {
            throw new IllegalArgumentException("portal.provisioning.max-pods must not be negative, was " + maxPods);
        }
    }

    /** The defaults: the job runner's and the logging pipeline's accounts are {@code ai-portal/<service>}. */
    public static ProvisioningProperties defaults() {
        return new ProvisioningProperties(true, "ai-portal-tenant-service", "ai-portal", "monitoring", "kube-system",
                "oidc:", ServiceAccounts.DEFAULT, ContainerDefaults.DEFAULT, EphemeralStorage.DEFAULT, 100,
                List.of("10.96.0.0/12", "10.244.0.0/16"), true);
    }

    /**
     * The service accounts the portal's services call the API server with, one per service that acts in team
     * namespaces ({@code portal.provisioning.service-accounts.job-runner.*}, {@code ...logging-pipeline.*}; the Helm
     * chart sets them to the release's accounts). An account without a name gets nothing: its Role and RoleBinding
     * are not provisioned (and removed from teams provisioned before).
     */
    public record ServiceAccounts(
            @DefaultValue ServiceAccountRef jobRunner,
            @DefaultValue ServiceAccountRef loggingPipeline) {

        public static final ServiceAccounts DEFAULT = new ServiceAccounts(
                new ServiceAccountRef("ai-portal", "job-runner"), new ServiceAccountRef("ai-portal", "logging-pipeline"));
        /** No service account of the portal gets anything in team namespaces. */
        public static final ServiceAccounts NONE = new ServiceAccounts(null, null);

        public ServiceAccounts {
            jobRunner = jobRunner == null ? ServiceAccountRef.NONE : jobRunner;
            loggingPipeline = loggingPipeline == null ? ServiceAccountRef.NONE : loggingPipeline;
        }
    }

    /** A service account of the portal, by namespace and name; {@link #NONE} (no name) stands for none. */
    public record ServiceAccountRef(String namespace, String name) {

        public static final ServiceAccountRef NONE = new ServiceAccountRef("", "");

        public ServiceAccountRef {
            namespace = namespace == null ? "" : namespace.strip();
            name = name == null ? "" : name.strip();
            if (!name.isEmpty() && namespace.isEmpty()) {
                throw new IllegalArgumentException("service account " + name + " needs its namespace");
            }
        }

        /** Whether this names an account (a blank name names none). */
        public boolean present() {
            return !name.isEmpty();
        }
    }

    /**
     * LimitRange defaults for one container. An empty {@code cpuLimit} sets no default CPU limit (the quota does not
     * count CPU limits, and CPU limits throttle more than they protect).
     */
    public record ContainerDefaults(
            @DefaultValue("100m") String cpuRequest,
            @DefaultValue("256Mi") String memoryRequest,
            @DefaultValue("") String cpuLimit,
            @DefaultValue("1Gi") String memoryLimit) {

        public static final ContainerDefaults DEFAULT = new ContainerDefaults("100m", "256Mi", "", "1Gi");

        public ContainerDefaults {
            cpuLimit = cpuLimit == null ? "" : cpuLimit;
        }
    }

    /**
     * Node-local disk ({@code ephemeral-storage}: containers' writable layers, their logs, {@code emptyDir} volumes)
     * per team ({@code portal.provisioning.ephemeral-storage.*}). A pod that fills a node's disk puts every pod on
     * that node under disk pressure, whichever team it belongs to, so each team is bounded: {@code requests} and
     * {@code limits} are the team's ResourceQuota ({@code requests.ephemeral-storage}: what the scheduler reserves
     * for it; {@code limits.ephemeral-storage}: what the kubelet lets its pods write before it evicts them);
     * {@code defaultRequest}/{@code defaultLimit} are the LimitRange's defaults for a container that states none (a
     * quota that names a resource makes the API server refuse pods without it), {@code max} the most one container
     * may ask for or be limited to. Every team gets the same; Kubernetes quantities.
     */
    public record EphemeralStorage(
            @DefaultValue("500Gi") String requests,
            @DefaultValue("1Ti") String limits,
            @DefaultValue("1Gi") String defaultRequest,
            @DefaultValue("10Gi") String defaultLimit,
            @DefaultValue("200Gi") String max) {

        public static final EphemeralStorage DEFAULT = new EphemeralStorage("500Gi", "1Ti", "1Gi", "10Gi", "200Gi");

        public EphemeralStorage {
            requests = strip(requests);
            limits = strip(limits);
            defaultRequest = strip(defaultRequest);
            defaultLimit = strip(defaultLimit);
            max = strip(max);
            BigDecimal request = bytes("requests", requests);
            BigDecimal limit = bytes("limits", limits);
            BigDecimal perContainerRequest = bytes("default-request", defaultRequest);
            BigDecimal perContainerLimit = bytes("default-limit", defaultLimit);
            BigDecimal perContainerMax = bytes("max", max);
            requireAtMost("default-request", perContainerRequest, "default-limit", perContainerLimit);
            requireAtMost("default-limit", perContainerLimit, "max", perContainerMax);
            requireAtMost("max", perContainerMax, "limits", limit);
            requireAtMost("default-request", perContainerRequest, "requests", request);
            requireAtMost("requests", request, "limits", limit);
        }

        private static String strip(String value) {
            return value == null ? "" : value.strip();
        }

        private static BigDecimal bytes(String key, String value) {
            String name = "portal.provisioning.ephemeral-storage." + key;
            if (value.isEmpty()) {
                throw new IllegalArgumentException(name + " is required (a quantity such as 10Gi)");
            }
            BigDecimal amount;
            try {
                amount = Quantity.getAmountInBytes(new Quantity(value));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(name + " is not a quantity: " + value, e);
            }
            if (amount.signum() <= 0) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return amount;
        }

        private static void requireAtMost(String smallKey, BigDecimal small, String largeKey, BigDecimal large) {
            if (small.compareTo(large) > 0) {
                throw new IllegalArgumentException("portal.provisioning.ephemeral-storage." + smallKey
                        + " must not exceed portal.provisioning.ephemeral-storage." + largeKey);
            }
        }
    }
}
