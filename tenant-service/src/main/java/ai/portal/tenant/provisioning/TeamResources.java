package ai.portal.tenant.provisioning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;

/**
 * The model: what a team's namespace must contain, as a pure function of the team and the provisioning settings.
 * No I/O, no clock, no randomness: the same input always gives equal objects in the same order (Namespace first),
 * which is what makes server-side apply of the result a no-op when nothing changed.
 */
public final class TeamResources {

    public static final String LIMITS = "team-defaults";
    public static final String WORKLOAD_SERVICE_ACCOUNT = "workload";
    static final String DEFAULT_SERVICE_ACCOUNT = "default";
    public static final String EDIT = "team-edit";
    public static final String VIEW = "team-view";
    /** The job runner's Role and RoleBinding in every team namespace: the workloads it writes, nothing else. */
    public static final String JOB_RUNNER = "portal-job-runner";
    /** The logging pipeline's Role and RoleBinding in every team namespace: the pod log API, nothing else. */
    public static final String LOGGING_PIPELINE = "portal-logging-pipeline";
    public static final String NETWORK_POLICY = "team-isolation";

    /** The namespaced kinds a team owns; anything of these kinds labelled as ours but not desired is deleted. */
    public static final List<Class<? extends HasMetadata>> NAMESPACED_KINDS = List.of(ResourceQuota.class,
            LimitRange.class, ServiceAccount.class, Role.class, RoleBinding.class, NetworkPolicy.class);

    private static final List<String> EDIT_VERBS =
            List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");
    private static final List<String> READ_VERBS = List.of("get", "list", "watch");

    private TeamResources() {
    }

    /** Every object the team's namespace must have in installation {@code instance}, Namespace first. */
    public static List<HasMetadata> desired(String instance, TeamSnapshot team, ProvisioningProperties properties) {
        return desired(instance, team, properties, KueueProperties.DEFAULTS);
    }

    /**
     * Every object the team's namespace must have, Namespace first; with Kueue borrowing, the ResourceQuota allows the
     * GPUs the team may borrow too (see {@link KueueResources}).
     */
    public static List<HasMetadata> desired(String instance, TeamSnapshot team, ProvisioningProperties properties,
                                            KueueProperties kueue) {
        Map<String, String> labels = PortalLabels.teamLabels(instance, team.slug());
        String ns = team.namespace();
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(namespace(team, labels));
        objects.add(resourceQuota(team, labels, properties, kueue));
        objects.add(limitRange(team, labels, properties));
        objects.add(new ServiceAccountBuilder()
                .withMetadata(meta(team, labels, WORKLOAD_SERVICE_ACCOUNT))
                .withAutomountServiceAccountToken(false)
                .build());
        // the controller manager creates "default" in every namespace with its token mounted into every pod that
        // names no account; a pod of the team gets no API token unless it asks for one
        objects.add(new ServiceAccountBuilder()
                .withMetadata(meta(team, labels, DEFAULT_SERVICE_ACCOUNT))
                .withAutomountServiceAccountToken(false)
                .build());
        objects.add(role(team, labels, EDIT, editRules()));
        objects.add(role(team, labels, VIEW, viewRules()));
        objects.add(roleBinding(team, labels, EDIT, List.of(group(editGroup(team.slug(), properties)))));
        objects.add(roleBinding(team, labels, VIEW,
                List.of(group(viewGroup(team.slug(), properties)))));
        var accounts = properties.serviceAccounts();
        if (accounts.jobRunner().present()) {
            objects.add(role(team, labels, JOB_RUNNER, jobRunnerRules()));
            objects.add(roleBinding(team, labels, JOB_RUNNER, List.of(serviceAccount(accounts.jobRunner()))));
        }
        if (accounts.loggingPipeline().present()) {
            objects.add(role(team, labels, LOGGING_PIPELINE, loggingPipelineRules()));
            objects.add(roleBinding(team, labels, LOGGING_PIPELINE,
                    List.of(serviceAccount(accounts.loggingPipeline()))));
        }
        objects.add(networkPolicy(team, labels, properties));
        return List.copyOf(objects);
    }

    /**
     * The OIDC group whose members edit the team's namespace (the team's owners and members): the Keycloak group's
     * full path, {@code oidc:/teams/team-<slug>}, so a group named {@code team-<slug>} elsewhere in the realm grants
     * nothing.
     */
    public static String editGroup(String slug, ProvisioningProperties properties) {
        return properties.oidcGroupPrefix() + TeamNames.groupPath(TeamNames.editorsGroup(slug));
    }

    /** The OIDC group whose members may only look at the team's namespace: {@code oidc:/teams/team-<slug>.viewers}. */
    public static String viewGroup(String slug, ProvisioningProperties properties) {
        return properties.oidcGroupPrefix() + TeamNames.groupPath(TeamNames.viewersGroup(slug));
    }

    private static Namespace namespace(TeamSnapshot team, Map<String, String> teamLabels) {
        Map<String, String> labels = new LinkedHashMap<>(teamLabels);
        for (String mode : List.of("enforce", "warn", "audit")) {
            labels.put("pod-security.kubernetes.io/" + mode, "restricted");
            labels.put("pod-security.kubernetes.io/" + mode + "-version", "latest");
        }
        if (team.state() == TeamState.ARCHIVED) {
            labels.put(PortalLabels.ARCHIVED, "true");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        if (team.displayName() != null && !team.displayName().isBlank()) {
            annotations.put(PortalLabels.DISPLAY_NAME, team.displayName());
        }
        return new NamespaceBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(team.namespace()).withLabels(labels)
                        .withAnnotations(annotations.isEmpty() ? null : annotations).build())
                .build();
    }

    private static ResourceQuota resourceQuota(TeamSnapshot team, Map<String, String> labels,
                                               ProvisioningProperties properties, KueueProperties kueue) {
        var quota = team.quota();
        Map<String, Quantity> hard = new LinkedHashMap<>();
        hard.put("requests.cpu", new Quantity(quota.cpu()));
        hard.put("requests.memory", new Quantity(quota.memory()));
        hard.put("limits.memory", new Quantity(quota.memory()));
        hard.put("requests.storage", new Quantity(quota.storage()));
        hard.put("persistentvolumeclaims", new Quantity(Integer.toString(quota.pvcs())));
        // node-local disk (writable layers, container logs, emptyDirs): one team filling a node's disk would put
        // every pod on that node under disk pressure; the limit is what the kubelet lets the team's pods write
        var ephemeral = properties.ephemeralStorage();
        hard.put("requests.ephemeral-storage", new Quantity(ephemeral.requests()));
        hard.put("limits.ephemeral-storage", new Quantity(ephemeral.limits()));
        int gpuCeiling = quota.totalGpus() + kueue.gpusBorrowablePerType() * team.gpuTypes().size();
        hard.put("requests." + GpuResources.RESOURCE, new Quantity(Integer.toString(gpuCeiling)));
        // pods in a non-terminal state: a finished job's completed pods (kept for their logs and status) must not
        // use up the team's pods, as count/pods did after about 100 jobs
        hard.put("pods", new Quantity(Integer.toString(properties.maxPods())));
        // no team opens a port on every node or buys a cloud load balancer: notebooks and model services are
        // reached through the portal's authenticated proxy
        hard.put("services.loadbalancers", new Quantity("0"));
        hard.put("services.nodeports", new Quantity("0"));
        ObjectMeta meta = meta(team, labels, PortalLabels.TEAM_QUOTA);
        meta.setAnnotations(Map.of(
                PortalLabels.GPU_QUOTA, gpuQuotaJson(quota.gpus()),
                PortalLabels.MAX_NOTEBOOKS, Integer.toString(quota.maxNotebooks())));
        return new ResourceQuotaBuilder().withMetadata(meta).withNewSpec().withHard(hard).endSpec().build();
    }

    /** {@code {"NVIDIA-A100-SXM4-80GB":4}}, keys sorted: for people and the job runner, not enforced by Kubernetes. */
    static String gpuQuotaJson(Map<String, Integer> gpus) {
        return gpus.entrySet().stream()
                .map(e -> "\"" + e.getKey().replace("\\", "\\\\").replace("\"", "\\\"") + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static LimitRange limitRange(TeamSnapshot team, Map<String, String> labels,
                                         ProvisioningProperties properties) {
        var defaults = properties.containerDefaults();
        Quantity teamCpu = new Quantity(team.quota().cpu());
        Map<String, Quantity> limits = new LinkedHashMap<>();
        // the API server would default a missing CPU limit to the maximum below anyway; saying it here keeps the
        // stored object equal to the desired one (and a configured default never exceeds the maximum)
        Quantity cpuLimit = defaults.cpuLimit().isBlank() ? teamCpu : new Quantity(defaults.cpuLimit());
        limits.put("cpu", atMost(cpuLimit, teamCpu));
        limits.put("memory", new Quantity(defaults.memoryLimit()));
        var ephemeral = properties.ephemeralStorage();
        limits.put("ephemeral-storage", new Quantity(ephemeral.defaultLimit()));
        Map<String, Quantity> requests = new LinkedHashMap<>();
        // capped like the limit: a team given less CPU than one container's default (an admin may set "0" to
        // freeze it) would otherwise get a LimitRange the API server refuses, and its namespace would never converge
        requests.put("cpu", atMost(new Quantity(defaults.cpuRequest()), teamCpu));
        requests.put("memory", new Quantity(defaults.memoryRequest()));
        // the quota names ephemeral storage, so the API server refuses a pod whose containers state none: the
        // defaults make every container count against it
        requests.put("ephemeral-storage", new Quantity(ephemeral.defaultRequest()));
        // no container may ask for, or be limited to, more CPU than its whole team has (a limit of 1000 CPUs was
        // admitted before: the quota counts requests only), nor more node-local disk than the configured maximum
        Map<String, Quantity> max = new LinkedHashMap<>();
        max.put("cpu", teamCpu);
        max.put("ephemeral-storage", new Quantity(ephemeral.max()));
        return new LimitRangeBuilder()
                .withMetadata(meta(team, labels, LIMITS))
                .withNewSpec()
                .addNewLimit().withType("Container").withDefault(limits).withDefaultRequest(requests).withMax(max)
                .endLimit()
                .endSpec()
                .build();
    }

    private static Quantity atMost(Quantity quantity, Quantity bound) {
        return quantity.getNumericalAmount().compareTo(bound.getNumericalAmount()) > 0 ? bound : quantity;
    }

    private static List<PolicyRule> editRules() {
        return List.of(
                rule("", List.of("pods", "services", "persistentvolumeclaims", "configmaps", "secrets"), EDIT_VERBS),
                rule("", List.of("pods/log"), READ_VERBS),
                rule("", List.of("events", "resourcequotas", "limitranges"), READ_VERBS),
                rule("apps", List.of("statefulsets"), EDIT_VERBS),
                rule("batch", List.of("jobs"), EDIT_VERBS));
    }

    private static List<PolicyRule> viewRules() {
        return List.of(
                rule("", List.of("pods", "pods/log", "services", "persistentvolumeclaims", "configmaps", "events",
                        "resourcequotas", "limitranges"), READ_VERBS),
                rule("apps", List.of("statefulsets"), READ_VERBS),
                rule("batch", List.of("jobs"), READ_VERBS));
    }

    /**
     * What the job runner does in a team namespace, call by call (job-runner's {@code WorkloadApplier},
     * {@code NotebookMarks}): server-side apply creates and patches a notebook's claim, Service and StatefulSet and a
     * training Job ({@code create} + {@code patch}); cleanup deletes a workload's objects by its label
     * ({@code deletecollection}) and an orphan by name ({@code delete}); a notebook's token Secret is created once
     * without reading first and deleted by name (the job runner derives the token, {@code NotebookTokens}); the culler
     * records Events. Everything it reads across namespaces (its informers: pods, StatefulSets, Jobs, claims, Events,
     * quotas, Kueue Workloads) is the chart's ClusterRole, not this. No pods, ConfigMaps, Roles, and no Secret read:
     * no {@code get}, {@code list}, {@code watch}, nor {@code deletecollection}, which answers with what it deleted.
     */
    static List<PolicyRule> jobRunnerRules() {
        List<String> workloadWrites = List.of("create", "patch", "delete", "deletecollection");
        return List.of(
                rule("apps", List.of("statefulsets"), workloadWrites),
                // a team's MLflow tracking server and model servers (job runner's tracking and serving
                // packages): applied and deleted by name
                rule("apps", List.of("deployments"), List.of("create", "patch", "delete")),
                rule("policy", List.of("poddisruptionbudgets"), List.of("create", "patch", "delete")),
                // model servers' autoscalers (the cluster's HPA controller scales; the job runner writes the HPA)
                rule("autoscaling", List.of("horizontalpodautoscalers"), List.of("create", "patch", "delete")),
                rule("batch", List.of("jobs"), workloadWrites),
                // a workload's VerticalPodAutoscaler in recommendation mode, where the cluster runs a VPA recommender
                rule("autoscaling.k8s.io", List.of("verticalpodautoscalers"), workloadWrites),
                rule("", List.of("services", "persistentvolumeclaims"), workloadWrites),
                rule("", List.of("secrets"), List.of("create", "delete")),
                rule("", List.of("events"), List.of("create")));
    }

    /**
     * What the logging pipeline does in a team namespace (logging-pipeline's {@code ClusterAccess}): the live tail's
     * fallback reads a container's log through the pod log API when the log store is down. Its pod informer
     * (labels for the records) reads pods across namespaces through the chart's ClusterRole.
     */
    static List<PolicyRule> loggingPipelineRules() {
        return List.of(rule("", List.of("pods/log"), List.of("get")));
    }

    private static PolicyRule rule(String apiGroup, List<String> resources, List<String> verbs) {
        return new PolicyRuleBuilder().withApiGroups(apiGroup).withResources(resources).withVerbs(verbs).build();
    }

    private static Role role(TeamSnapshot team, Map<String, String> labels, String name, List<PolicyRule> rules) {
        return new RoleBuilder().withMetadata(meta(team, labels, name)).withRules(rules).build();
    }

    private static Subject serviceAccount(ProvisioningProperties.ServiceAccountRef account) {
        return new SubjectBuilder().withKind("ServiceAccount").withNamespace(account.namespace())
                .withName(account.name()).build();
    }

    private static Subject group(String name) {
        return new SubjectBuilder().withKind("Group").withApiGroup("rbac.authorization.k8s.io").withName(name).build();
    }

    private static RoleBinding roleBinding(TeamSnapshot team, Map<String, String> labels, String role,
                                           List<Subject> subjects) {
        return new RoleBindingBuilder()
                .withMetadata(meta(team, labels, role))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(role).endRoleRef()
                .withSubjects(subjects)
                .build();
    }

    private static NetworkPolicy networkPolicy(TeamSnapshot team, Map<String, String> labels,
                                               ProvisioningProperties properties) {
        LabelSelector everyPod = new LabelSelector();
        List<NetworkPolicyPeer> ingressFrom = List.of(
                new NetworkPolicyPeerBuilder().withPodSelector(everyPod).build(),
                namespacePeer(properties.portalNamespace()),
                namespacePeer(properties.monitoringNamespace()));
        List<NetworkPolicyEgressRule> egress = new ArrayList<>();
        egress.add(new NetworkPolicyEgressRuleBuilder()
                .withTo(new NetworkPolicyPeerBuilder().withPodSelector(everyPod).build())
                .build());
        egress.add(new NetworkPolicyEgressRuleBuilder()
                .withTo(namespacePeer(properties.dnsNamespace()))
                .withPorts(new NetworkPolicyPortBuilder().withProtocol("UDP").withPort(new IntOrString(53)).build(),
                        new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(53)).build())
                .build());
        if (properties.allowExternalEgress()) {
            egress.add(new NetworkPolicyEgressRuleBuilder()
                    .withTo(new NetworkPolicyPeerBuilder().withNewIpBlock()
                            .withCidr("0.0.0.0/0")
                            .withExcept(properties.clusterCidrs().isEmpty() ? null : properties.clusterCidrs())
                            .endIpBlock().build())
                    .build());
        }
        return new NetworkPolicyBuilder()
                .withMetadata(meta(team, labels, NETWORK_POLICY))
                .withNewSpec()
                .withPodSelector(everyPod)
                .withPolicyTypes("Ingress", "Egress")
                .addNewIngress().withFrom(ingressFrom).endIngress()
                .withEgress(egress)
                .endSpec()
                .build();
    }

    private static NetworkPolicyPeer namespacePeer(String namespace) {
        return new NetworkPolicyPeerBuilder()
                .withNamespaceSelector(new LabelSelectorBuilder().withMatchLabels(Map.of(PortalLabels.NAMESPACE_NAME, namespace))
                        .build())
                .build();
    }

    private static ObjectMeta meta(TeamSnapshot team, Map<String, String> labels, String name) {
        return new ObjectMetaBuilder().withName(name).withNamespace(team.namespace())
                .withLabels(new LinkedHashMap<>(labels)).build();
    }
}
