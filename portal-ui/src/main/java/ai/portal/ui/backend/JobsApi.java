package ai.portal.ui.backend;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** job-runner's payloads as the UI reads and writes them (its OpenAPI at {@code /v3/api-docs} is the contract). */
public final class JobsApi {

    private JobsApi() {
    }

    /** A notebook or training job with its live status; {@code kind} is {@code notebook} or {@code job}. */
    public record Workload(String team, String name, String kind, String owner, String ownerSubject, Spec spec,
                           String desired, Instant createdAt, Status status, String url) {

        public boolean notebook() {
            return "notebook".equals(kind);
        }

        public String phase() {
            return status == null || status.phase() == null ? "Pending" : status.phase();
        }
    }

    public record Spec(String image, String imageId, String cpu, String memory, String gpuType, int gpus,
                       String workspaceSize, List<String> command, List<String> args, List<EnvVar> env,
                       Long maxRuntimeSeconds, Integer retries, String priority, Map<String, String> annotations,
                       String schedulerName) {

        public Spec {
            command = command == null ? List.of() : command;
            args = args == null ? List.of() : args;
            env = env == null ? List.of() : env;
            annotations = annotations == null ? Map.of() : annotations;
        }
    }

    public record EnvVar(String name, String value) {
    }

    /** Phase (Pending, Running, Stopping, Stopped, Succeeded, Failed, Cancelled, Deleting) and why. */
    public record Status(String phase, String stage, Reason reason, Queue queue, Exit exit, int attempts, String node,
                         String podIp, Instant admittedAt, Instant startedAt, Instant finishedAt, Idle idle) {
    }

    /**
     * Idle culling of a running notebook: {@code stopAt} once it was warned that it will be stopped for being idle,
     * {@code keepUntil} while a user's extension holds.
     */
    public record Idle(Instant stopAt, Instant keepUntil, Reason notice) {
    }

    /** Why, in English words and as a code with arguments the UI can say in another language. */
    public record Reason(String code, String text, Map<String, Object> args) {

        public Reason {
            args = args == null ? Map.of() : args;
        }
    }

    public record Queue(Integer positionInTeam, Integer positionInClusterQueue, Instant estimatedStart,
                        Instant latestStart, String confidence, String basis) {
    }

    public record Exit(Integer code, String reason, String message) {
    }

    public record Detail(Workload workload, List<HistoryEntry> history, List<Event> events, RightSizing rightSizing,
                         PeakUsage peakUsage) {

        public Detail {
            history = history == null ? List.of() : history;
            events = events == null ? List.of() : events;
            rightSizing = rightSizing == null ? new RightSizing("unavailable", List.of(), null, null, 0) : rightSizing;
        }
    }

    /** The workload's requests against the VPA recommender's recommendation: unavailable, collecting or ready. */
    public record RightSizing(String state, List<SizedResource> resources, Instant measuredSince,
                              Instant measuredUntil, int samples) {

        public RightSizing {
            resources = resources == null ? List.of() : resources;
        }
    }

    /** The most the container used over the last 7 days (or since it was created), from Prometheus; null parts unmeasured. */
    public record PeakUsage(Instant since, Instant until, java.math.BigDecimal cpu, java.math.BigDecimal memory) {
    }

    /** cpu (cores) or memory (bytes): requested, the recommended target, and the range the usage supports. */
    public record SizedResource(String name, java.math.BigDecimal requested, java.math.BigDecimal target,
                                java.math.BigDecimal lowerBound, java.math.BigDecimal upperBound) {
    }

    public record HistoryEntry(Instant at, String type, String phase, String reason, String message) {
    }

    public record Event(Instant at, String type, String reason, String text, String object, int count,
                        String message) {
    }

    public record Image(String id, String reference, String displayName, String description, boolean forNotebooks,
                        boolean forJobs, boolean cuda, boolean enabled, Instant createdAt, Instant updatedAt) {
    }

    /** What an admin sends to add or change a catalogue image. */
    public record ImageRequest(String id, String reference, String displayName, String description,
                               Boolean forNotebooks, Boolean forJobs, Boolean cuda, Boolean enabled) {
    }

    /** Platform settings of the job runner; in a change, a null idle setting keeps its value. */
    public record Settings(Boolean allowCustomImages, Long notebookIdleLimitSeconds, Long gpuNotebookIdleLimitSeconds,
                           Long idleWarningSeconds, Long maxIdleExtensionSeconds) {

        public Settings(Boolean allowCustomImages) {
            this(allowCustomImages, null, null, null, null);
        }
    }

    /** The idle-culling limits that hold for a team's notebooks, in seconds. */
    public record IdleLimits(long notebookIdleLimitSeconds, long gpuNotebookIdleLimitSeconds, long idleWarningSeconds,
                             long maxIdleExtensionSeconds) {
    }

    /** A platform admin's limits for one team; a null limit follows the platform's. */
    public record TeamIdleLimits(Long notebookIdleLimitSeconds, Long gpuNotebookIdleLimitSeconds,
                                 Long maxIdleExtensionSeconds) {
    }

    /**
     * A team's experiment tracking: {@code state} off, stopping, starting, ready or failed; {@code message} in English;
     * {@code uiPath} the MLflow UI behind the job runner's proxy.
     */
    public record TrackingStatus(String team, boolean enabled, String state, String message, String uiPath,
                                 String trackingUri, Instant updatedAt, String updatedBy) {
    }

    /** A registered model of the team's MLflow registry and its versions, newest first. */
    public record RegisteredModel(String name, String description, List<ModelVersion> versions) {
    }

    /** One version of a registered model; {@code status} is MLflow's ({@code READY} once stored). */
    public record ModelVersion(int version, String status, String runId, Instant createdAt) {
    }

    /**
     * What a member asks for when deploying a model version; null CPU, memory and rate limit (requests/s per caller)
     * take the platform's defaults; {@code gpuType} and {@code gpus} per replica (null and 0: CPU serving).
     */
    public record DeployModelRequest(String name, String model, String version, Integer replicas, String cpu,
                                     String memory, String gpuType, Integer gpus, Integer rateLimit,
                                     ModelAutoscaling autoscaling) {
    }

    /**
     * A deployment's autoscaling (a HorizontalPodAutoscaler the cluster's controller acts on): bounds, and targets
     * (null: not scaled on): CPU and memory in % of the requests, requests per second per replica, GPU utilisation
     * in %; {@code scaleDownStabilizationSeconds} how long the load must ask for fewer replicas before any go.
     */
    public record ModelAutoscaling(Integer minReplicas, Integer maxReplicas, Integer cpuUtilization,
                                   Integer memoryUtilization, java.math.BigDecimal requestsPerSecond,
                                   Integer gpuUtilization, Integer scaleDownStabilizationSeconds) {
    }

    /** One autoscaling target and the value the controller last read (null: unavailable). */
    public record ModelAutoscalingMetric(String metric, java.math.BigDecimal current, java.math.BigDecimal target) {
    }

    /** One condition of the HPA controller: a code to translate, the metric it is about, the words in English. */
    public record ModelAutoscalingCondition(String code, String metric, String words) {
    }

    /** What the HPA controller makes of a deployment: replicas now and wanted, readings, conditions. */
    /** Replicas in effect at {@code since}, then every rescale by the HPA controller, oldest first. */
    public record ModelScalingHistory(Instant since, Instant until, int replicasAtStart, Integer currentReplicas,
                                      List<ModelScalingChange> changes) {

        public ModelScalingHistory {
            changes = changes == null ? List.of() : changes;
        }
    }

    /** One rescale: to how many replicas, the target that drove it (null: a scale-in), up/down/bounds, the words. */
    public record ModelScalingChange(Instant at, int replicas, String metric, String direction, String reason) {
    }

    public record ModelAutoscalingStatus(Integer currentReplicas, Integer desiredReplicas, int minReplicas,
                                         int maxReplicas, Instant lastScaleTime, List<ModelAutoscalingMetric> metrics,
                                         List<ModelAutoscalingCondition> conditions, String message) {
    }

    /**
     * A model deployment's status: {@code state} starting, serving or failing; {@code message} in English;
     * {@code servingVersion} the version the deployment serves ({@code servingVersions}: every version a Ready
     * replica serves, two during a rollout); {@code rollout} how far a rollout is and why it is stuck (English), null
     * when none runs.
     */
    public record ModelDeploymentStatus(String state, String message, int readyReplicas, Integer servingVersion,
                                        List<Integer> servingVersions, String rollout) {
    }

    /**
     * A team's model deployment; {@code invocationsPath} is where it answers behind the job runner's gateway;
     * {@code previousVersion} what a rollback returns to (null: none); {@code rateLimit} requests/s per caller;
     * {@code gpus} of {@code gpuType} per replica (0 and null: CPU serving).
     */
    public record ModelDeployment(String team, String name, String model, int version, Integer previousVersion,
                                  int replicas, String cpu, String memory, String gpuType, int gpus, int rateLimit,
                                  ModelAutoscaling autoscaling, ModelDeploymentStatus status,
                                  ModelAutoscalingStatus autoscalingStatus, String invocationsPath, Instant createdAt,
                                  String createdBy, RightSizing rightSizing) {

        public ModelDeployment {
            rightSizing = rightSizing == null ? new RightSizing("unavailable", List.of(), null, null, 0) : rightSizing;
        }
    }

    /**
     * A change to a deployment: a version to roll out, a rate limit, a fixed replica count (autoscaling off),
     * autoscaling, or a new size per replica (null: unchanged).
     */
    public record ModelDeploymentUpdate(String version, Integer rateLimit, Integer replicas,
                                        ModelAutoscaling autoscaling, String cpu, String memory, String gpuType,
                                        Integer gpus) {

        /** A new size per replica alone (a right-sizing recommendation applied). */
        public static ModelDeploymentUpdate size(String cpu, String memory) {
            return new ModelDeploymentUpdate(null, null, null, null, cpu, memory, null, null);
        }
    }

    /** An API key of a model deployment; {@code key} only in the answer to its creation. */
    public record ModelApiKey(String id, String deployment, String name, String prefix, Instant createdAt,
                              String createdBy, Instant lastUsedAt, Instant revokedAt, String revokedBy, String key) {
    }

    /** A new API key's name. */
    public record ModelApiKeyRequest(String name) {
    }

    /** One team's idle limits: its own (null when it follows the platform) and the ones that hold. */
    public record TeamIdleSettings(String team, TeamIdleLimits own, IdleLimits effective, Instant updatedAt,
                                   String updatedBy) {
    }

    /** One GPU type on the cluster now ({@code GET /cluster/gpus}). */
    public record GpuTypeCapacity(String gpuType, int nodes, int total, int allocated, int free, int largestFreeOnNode,
                                  int largestNode) {
    }

    /** One node with its GPU type and allocation ({@code GET /cluster/nodes}, admins). */
    public record Node(String name, String gpuType, int gpus, int gpusAllocated, String cpu, String cpuRequested,
                       String memory, String memoryRequested, boolean usable) {

        public int gpusFree() {
            return Math.max(0, gpus - gpusAllocated);
        }
    }

    /**
     * Usage of one team, user or GPU type over a period ({@code GET /usage}): resource-seconds of Running intervals.
     * {@code key} is the team slug, the username or the GPU type ("" for CPU-only work).
     */
    public record UsageRow(String key, String team, double gpuSeconds, double cpuSeconds, double memoryGibSeconds,
                           double runSeconds, long workloads) {

        public double gpuHours() {
            return gpuSeconds / 3600.0;
        }
    }

    /** How a usage report is grouped: the job runner's {@code groupBy} values. */
    public enum UsageGrouping {
        TEAM("team"), USER("user"), GPU_TYPE("gpuType");

        private final String wire;

        UsageGrouping(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** A usage report's question: a period (null ends: this month so far), a grouping, optionally one team. */
    public record UsageQuery(Instant from, Instant to, UsageGrouping groupBy, String team) {
    }

    public record Capacity(String team, boolean archived, boolean queueReady, String queueProblem,
                           Notebooks notebooks, List<GpuCapacity> gpus, List<ResourceCapacity> resources,
                           Scheduling scheduling) {

        public Capacity {
            gpus = gpus == null ? List.of() : gpus;
            resources = resources == null ? List.of() : resources;
        }
    }

    /** The scheduler profiles a workload may be placed by, and the platform's default among them. */
    public record Scheduling(String defaultScheduler, List<String> allowed) {

        public Scheduling {
            allowed = allowed == null ? List.of() : allowed;
        }
    }

    public record Notebooks(int running, Integer max) {
    }

    public record GpuCapacity(String gpuType, String shortName, int quota, int used, int borrowable, int clusterFree,
                              int largestFreeOnNode, int largestNode, int maxStartableNow, String limitedBy) {
    }

    public record ResourceCapacity(String resource, String quota, String used, String borrowable) {
    }

    public record LaunchNotebook(String name, String image, String cpu, String memory, String gpuType, Integer gpus,
                                 String workspaceSize, String schedulerName) {
    }

    public record SubmitJob(String name, String image, List<String> command, List<String> args, List<EnvVar> env,
                            String gpuType, Integer gpus, String cpu, String memory, Long maxRuntimeSeconds,
                            Integer retries, String priority, String schedulerName) {
    }

    /** The answer of a dry run: could it ever run, would it start now, and why not (each naming a field). */
    public record Check(boolean possible, boolean startsNow, List<CheckProblem> problems) {

        public Check {
            problems = problems == null ? List.of() : problems;
        }
    }

    public record CheckProblem(String field, String code, String text) {
    }
}
