package ai.portal.jobs.launch;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.portal.jobs.cluster.ClusterQueueView;
import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.cluster.GpuInventory;
import ai.portal.jobs.cluster.GpuInventory.GpuTypeCapacity;
import ai.portal.jobs.launch.LaunchCheck.Problem;
import ai.portal.jobs.status.GpuTypeNames;
import ai.portal.jobs.status.StatusService;
import ai.portal.jobs.workload.WorkloadSpec;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Checks a launch against the team and the cluster before anything is created, from the informers:
 * <ul>
 *   <li>the team: its namespace exists and is not archived, its Kueue queue exists and is active;</li>
 *   <li>possible at all: the GPU type exists on some node, one node could hold the pod, and the team's quota
 *       (plus what it could ever borrow in its cohort) covers it; otherwise Kueue would keep it pending forever;</li>
 *   <li>starts now: the team's queue has the quota free (or idle quota to borrow), a node has room, the namespace
 *       quota has room, and a notebook is within the team's {@code max-notebooks}.</li>
 * </ul>
 * Kueue still decides admission; this only refuses what it would never admit and says, for notebooks, what would
 * make them wait (interactive work must not wait silently).
 */
@Component
public class LaunchChecks {

    private static final String NOT_READ = "The job runner has just started and is still reading the cluster; "
            + "try again in a few seconds.";

    private final ClusterState cluster;
    private final StatusService status;
    private final SchedulerChoice schedulers;

    LaunchChecks(ClusterState cluster, StatusService status, SchedulerChoice schedulers) {
        this.cluster = cluster;
        this.status = status;
        this.schedulers = schedulers;
    }

    /** Whether the team's namespace is there (not yet provisioned, or deleted with its team, when not). */
    public boolean teamNamespaceExists(String team) {
        return cluster.namespace(TeamNames.namespace(team))
                .filter(namespace -> namespace.getMetadata().getDeletionTimestamp() == null).isPresent();
    }

    /**
     * Refuses launches into a team that cannot take any: no namespace yet, or archived. A job runner that has not
     * listed the cluster yet (just started) cannot tell, and answers 503 rather than a wrong 409 or 422.
     */
    public void requireTeamOpen(String team) {
        requireClusterRead();
        Namespace namespace = cluster.namespace(TeamNames.namespace(team)).orElse(null);
        if (namespace == null) {
            throw new ApiException(HttpStatus.CONFLICT, "Team not provisioned",
                    "Team " + team + " has no namespace on the cluster yet; it is being provisioned. Try again shortly.");
        }
        Map<String, String> labels = namespace.getMetadata().getLabels();
        if (labels != null && "true".equals(labels.get(PortalLabels.ARCHIVED))) {
            throw new ApiException(HttpStatus.CONFLICT, "Team archived",
                    "Team " + team + " is archived: it launches nothing new. A platform admin can unarchive it.");
        }
    }

    private void requireClusterRead() {
        if (!cluster.synced()) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "Starting", NOT_READ);
        }
    }

    /** Refuses launches while the team's Kueue queue (or Kueue itself) is not there: nothing would admit them. */
    public void requireQueue(String team) {
        if (!cluster.kueueServed()) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "Queue unavailable",
                    "The cluster's queue (Kueue) does not answer, so nothing can be admitted. Try again later.");
        }
        Optional<String> problem = queueProblem(team);
        if (problem.isPresent()) {
            throw new ApiException(HttpStatus.CONFLICT, "Team queue not ready", problem.get());
        }
    }

    private Optional<String> queueProblem(String team) {
        Optional<ClusterQueueView> queue = cluster.teamQueue(team);
        if (queue.isEmpty()) {
            return Optional.of("Team " + team + " has no queue on the cluster yet; it is being provisioned.");
        }
        if (!queue.get().active()) {
            return Optional.of("Team " + team + "'s queue is not active: " + queue.get().inactiveReason());
        }
        return Optional.empty();
    }

    /**
     * Whether the launch could ever run and whether it would start now. {@code runningNotebooks} counts the team's
     * notebooks meant to run (from the database); it is only used for notebooks.
     */
    public LaunchCheck check(String team, WorkloadSpec spec, boolean notebook, long runningNotebooks) {
        List<Problem> impossible = new ArrayList<>();
        List<Problem> notNow = new ArrayList<>();
        GpuInventory inventory = GpuInventory.of(cluster);
        ClusterQueueView queue = cluster.teamQueue(team).orElse(null);
        BigDecimal cpu = LaunchValidator.amount(spec.cpu());
        BigDecimal memory = LaunchValidator.amount(spec.memory());
        String gpuWords = spec.gpus() > 0 ? GpuTypeNames.shortName(spec.gpuType()) : "";

        // could it ever run?
        if (spec.gpus() > 0) {
            Optional<GpuTypeCapacity> type = inventory.type(spec.gpuType());
            if (type.isEmpty()) {
                impossible.add(new Problem("gpuType", "unknown-gpu-type", "the cluster has no node with GPU type "
                        + spec.gpuType() + "; it has " + (inventory.byType().isEmpty() ? "no GPU nodes"
                        : String.join(", ", inventory.byType().keySet()))));
            } else if (type.get().largestNode() < spec.gpus()) {
                impossible.add(new Problem("gpus", "larger-than-any-node", "no " + gpuWords + " node has "
                        + spec.gpus() + " GPUs; the largest has " + type.get().largestNode()));
            }
        }
        if (impossible.isEmpty() && !inventory.couldEverFit(spec.gpuType(), cpu, memory, spec.gpus())) {
            BigDecimal largestCpu = inventory.largest(spec.gpuType(), spec.gpus(), "cpu");
            BigDecimal largestMemory = inventory.largest(spec.gpuType(), spec.gpus(), "memory");
            String field = cpu.compareTo(largestCpu) > 0 ? "cpu" : "memory";
            impossible.add(new Problem(field, "larger-than-any-node", "no " + (spec.gpus() > 0 ? gpuWords + " " : "")
                    + "node has " + spec.cpu() + " CPUs and " + spec.memory() + " of memory; the largest has "
                    + largestCpu.stripTrailingZeros().toPlainString() + " CPUs and "
                    + gib(largestMemory) + " GiB"));
        }
        if (queue != null) {
            if (spec.gpus() > 0) {
                String flavor = status.gpuFlavor(queue, spec.gpuType());
                Share share = share(queue, flavor, GpuResources.RESOURCE);
                BigDecimal need = BigDecimal.valueOf(spec.gpus());
                if (need.compareTo(share.maxObtainable()) > 0) {
                    impossible.add(new Problem(share.nominal().signum() == 0 ? "gpuType" : "gpus", "exceeds-quota",
                            share.nominal().signum() == 0
                                    ? "team " + team + " has no " + gpuWords + " quota" + (queue.cohort() == null
                                    ? "" : " and none of its cohort can be borrowed")
                                    : "team " + team + "'s " + gpuWords + " quota is " + whole(share.nominal())
                                    + (queue.cohort() == null ? "" : " (" + whole(share.maxObtainable())
                                    + " with borrowing)") + "; it asks for " + spec.gpus()));
                } else if (need.compareTo(share.availableNow()) > 0) {
                    notNow.add(new Problem("gpus", "team-quota-full", "team " + team + " is using "
                            + whole(share.used()) + " of " + whole(share.nominal()) + " " + gpuWords + " GPUs"
                            + (queue.cohort() == null ? "" : " and " + whole(share.borrowable())
                            + " idle ones of other teams can be borrowed")));
                }
            }
            String cpuFlavor = status.defaultFlavor(queue);
            checkResource(team, queue, cpuFlavor, "cpu", cpu, "CPUs", impossible, notNow);
            checkResource(team, queue, cpuFlavor, "memory", memory, "memory", impossible, notNow);
        }
        if (!impossible.isEmpty()) {
            return new LaunchCheck(false, false, List.copyOf(impossible));
        }
        if (!inventory.fitsNow(spec.gpuType(), cpu, memory, spec.gpus())) {
            if (spec.gpus() > 0) {
                int largestFree = inventory.type(spec.gpuType()).map(GpuTypeCapacity::largestFreeOnNode).orElse(0);
                notNow.add(new Problem("gpus", "no-node-gpus", "no " + gpuWords + " node has " + spec.gpus()
                        + " free GPU" + (spec.gpus() == 1 ? "" : "s") + " now (the most free on one node: "
                        + largestFree + ")"));
            } else {
                notNow.add(new Problem("cpu", "no-node-room", "no node has " + spec.cpu() + " CPUs and "
                        + spec.memory() + " of memory free now"));
            }
        }
        namespaceQuota(team, spec, notebook, notNow);
        if (notebook) {
            Integer max = maxNotebooks(team);
            if (max != null && runningNotebooks >= max) {
                notNow.add(new Problem("name", "max-notebooks", "team " + team + " already runs " + runningNotebooks
                        + " of its " + max + " notebooks; stop one first"));
            }
        }
        return new LaunchCheck(true, notNow.isEmpty(), List.copyOf(notNow));
    }

    private void checkResource(String team, ClusterQueueView queue, String flavor, String resource, BigDecimal need,
                               String words, List<Problem> impossible, List<Problem> notNow) {
        if (!queue.quotas().containsKey(new ClusterQueueView.FlavorResource(flavor, resource))) {
            return;
        }
        Share share = share(queue, flavor, resource);
        String display = "memory".equals(resource) ? gib(need) + " GiB" : need.stripTrailingZeros().toPlainString();
        if (need.compareTo(share.maxObtainable()) > 0) {
            impossible.add(new Problem(resource, "exceeds-quota", "team " + team + "'s " + words + " quota is "
                    + amount(resource, share.nominal()) + "; it asks for " + display));
        } else if (need.compareTo(share.availableNow()) > 0) {
            notNow.add(new Problem(resource, "team-quota-full", "team " + team + " is using "
                    + amount(resource, share.used()) + " of " + amount(resource, share.nominal()) + " " + words));
        }
    }

    /** The Kubernetes ResourceQuota, the hard backstop: a pod it refuses would never be created. */
    private void namespaceQuota(String team, WorkloadSpec spec, boolean notebook, List<Problem> notNow) {
        ResourceQuota quota = cluster.teamQuota(TeamNames.namespace(team)).orElse(null);
        if (quota == null || quota.getStatus() == null || quota.getStatus().getHard() == null) {
            return;
        }
        Map<String, Quantity> hard = quota.getStatus().getHard();
        Map<String, Quantity> used = quota.getStatus().getUsed() == null ? Map.of() : quota.getStatus().getUsed();
        checkHard(hard, used, "requests.cpu", LaunchValidator.amount(spec.cpu()), "cpu", notNow);
        checkHard(hard, used, "requests.memory", LaunchValidator.amount(spec.memory()), "memory", notNow);
        checkHard(hard, used, "limits.memory", LaunchValidator.amount(spec.memory()), "memory", notNow);
        checkHard(hard, used, "requests." + GpuResources.RESOURCE, BigDecimal.valueOf(spec.gpus()), "gpus", notNow);
        checkHard(hard, used, "count/pods", BigDecimal.ONE, "name", notNow);
        checkHard(hard, used, "pods", BigDecimal.ONE, "name", notNow);
        if (notebook) {
            checkHard(hard, used, "persistentvolumeclaims", BigDecimal.ONE, "workspaceSize", notNow);
            checkHard(hard, used, "requests.storage", LaunchValidator.amount(spec.workspaceSize()), "workspaceSize",
                    notNow);
        }
    }

    private static void checkHard(Map<String, Quantity> hard, Map<String, Quantity> used, String resource,
                                  BigDecimal need, String field, List<Problem> problems) {
        if (!hard.containsKey(resource) || need.signum() == 0) {
            return;
        }
        BigDecimal limit = hard.get(resource).getNumericalAmount();
        BigDecimal taken = used.containsKey(resource) ? used.get(resource).getNumericalAmount() : BigDecimal.ZERO;
        if (taken.add(need).compareTo(limit) > 0) {
            problems.add(new Problem(field, "namespace-quota", "the team's Kubernetes quota allows " + resource + " "
                    + hard.get(resource) + " and " + used.getOrDefault(resource, new Quantity("0")) + " is used"));
        }
    }

    Integer maxNotebooks(String team) {
        return cluster.teamQuota(TeamNames.namespace(team))
                .map(quota -> quota.getMetadata().getAnnotations() == null ? null
                        : quota.getMetadata().getAnnotations().get(PortalLabels.MAX_NOTEBOOKS))
                .flatMap(value -> {
                    try {
                        return Optional.of(Integer.parseInt(value.strip()));
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                })
                .orElse(null);
    }

    /**
     * A team queue's share of one flavor and resource: its nominal quota, what it uses, what it could borrow now
     * from idle quota in its cohort, and the most it could ever get.
     */
    record Share(BigDecimal nominal, BigDecimal used, BigDecimal borrowable, BigDecimal maxObtainable) {

        BigDecimal availableNow() {
            return nominal.subtract(used).max(BigDecimal.ZERO).add(borrowable);
        }
    }

    Share share(ClusterQueueView queue, String flavor, String resource) {
        ClusterQueueView.Quota own = queue.quota(flavor, resource);
        BigDecimal used = queue.reserved(flavor, resource).total();
        if (queue.cohort() == null) {
            return new Share(own.nominal(), used, BigDecimal.ZERO, own.nominal());
        }
        BigDecimal othersNominal = BigDecimal.ZERO;
        BigDecimal poolFree = BigDecimal.ZERO;
        for (ClusterQueueView member : cluster.clusterQueues()) {
            if (!queue.cohort().equals(member.cohort())) {
                continue;
            }
            ClusterQueueView.Quota quota = member.quota(flavor, resource);
            BigDecimal reserved = member.reserved(flavor, resource).total();
            poolFree = poolFree.add(quota.nominal().subtract(reserved));
            if (!member.name().equals(queue.name())) {
                othersNominal = othersNominal.add(quota.lendingLimit() == null ? quota.nominal()
                        : quota.lendingLimit().min(quota.nominal()));
            }
        }
        BigDecimal ownFree = own.nominal().subtract(used).max(BigDecimal.ZERO);
        BigDecimal borrowable = poolFree.max(BigDecimal.ZERO).subtract(ownFree).max(BigDecimal.ZERO);
        BigDecimal everBorrowable = othersNominal;
        if (own.borrowingLimit() != null) {
            BigDecimal borrowed = queue.reserved(flavor, resource).borrowed();
            borrowable = borrowable.min(own.borrowingLimit().subtract(borrowed).max(BigDecimal.ZERO));
            everBorrowable = everBorrowable.min(own.borrowingLimit());
        }
        return new Share(own.nominal(), used, borrowable, own.nominal().add(everBorrowable));
    }

    /** The launch dialog's numbers for a team. */
    public TeamCapacity capacity(String team, long runningNotebooks) {
        Namespace namespace = cluster.namespace(TeamNames.namespace(team)).orElse(null);
        boolean archived = namespace != null && namespace.getMetadata().getLabels() != null
                && "true".equals(namespace.getMetadata().getLabels().get(PortalLabels.ARCHIVED));
        ClusterQueueView queue = cluster.teamQueue(team).orElse(null);
        String problem = !cluster.kueueServed() ? "The cluster's queue (Kueue) does not answer."
                : !cluster.synced() ? NOT_READ : queueProblem(team).orElse(null);
        GpuInventory inventory = GpuInventory.of(cluster);
        List<TeamCapacity.GpuCapacity> gpus = new ArrayList<>();
        for (GpuTypeCapacity type : inventory.byType().values()) {
            Share share = queue == null ? new Share(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO)
                    : share(queue, status.gpuFlavor(queue, type.gpuType()), GpuResources.RESOURCE);
            int quotaNow = share.availableNow().intValue();
            int startable = Math.min(quotaNow, type.largestFreeOnNode());
            String limitedBy = startable >= type.largestNode() ? ""
                    : quotaNow < type.largestFreeOnNode()
                    ? "team " + team + " is using " + whole(share.used()) + " of " + whole(share.nominal())
                    + (share.borrowable().signum() > 0 ? " (+" + whole(share.borrowable()) + " to borrow)" : "")
                    : "the most free on one node is " + type.largestFreeOnNode();
            gpus.add(new TeamCapacity.GpuCapacity(type.gpuType(), GpuTypeNames.shortName(type.gpuType()),
                    share.nominal().intValue(), share.used().intValue(), share.borrowable().intValue(), type.free(),
                    type.largestFreeOnNode(), type.largestNode(), Math.max(0, startable), limitedBy));
        }
        List<TeamCapacity.ResourceCapacity> resources = new ArrayList<>();
        if (queue != null) {
            String flavor = status.defaultFlavor(queue);
            for (String resource : List.of("cpu", "memory")) {
                if (queue.quotas().containsKey(new ClusterQueueView.FlavorResource(flavor, resource))) {
                    Share share = share(queue, flavor, resource);
                    resources.add(new TeamCapacity.ResourceCapacity(resource, plain(share.nominal()),
                            plain(share.used()), plain(share.borrowable())));
                }
            }
        }
        List<TeamCapacity.NamespaceQuota> namespaceQuota = new ArrayList<>();
        cluster.teamQuota(TeamNames.namespace(team)).filter(quota -> quota.getStatus() != null
                        && quota.getStatus().getHard() != null)
                .ifPresent(quota -> quota.getStatus().getHard().forEach((resource, hard) -> namespaceQuota.add(
                        new TeamCapacity.NamespaceQuota(resource, String.valueOf(quota.getStatus().getUsed() == null
                                ? "0" : quota.getStatus().getUsed().getOrDefault(resource, new Quantity("0"))),
                                hard.toString()))));
        namespaceQuota.sort(java.util.Comparator.comparing(TeamCapacity.NamespaceQuota::resource));
        return new TeamCapacity(team, archived, problem == null, problem,
                new TeamCapacity.Notebooks((int) runningNotebooks, maxNotebooks(team)), gpus, resources,
                namespaceQuota, new TeamCapacity.Scheduling(schedulers.defaultScheduler(), schedulers.allowed()));
    }

    private static String whole(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static String amount(String resource, BigDecimal value) {
        return "memory".equals(resource) ? gib(value) + " GiB" : whole(value);
    }

    private static String gib(BigDecimal bytes) {
        return bytes.divide(BigDecimal.valueOf(1L << 30), 1, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }
}
