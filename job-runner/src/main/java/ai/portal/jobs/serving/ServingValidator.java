package ai.portal.jobs.serving;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import ai.portal.platform.problem.ApiException;
import io.fabric8.kubernetes.api.model.Quantity;
import org.springframework.http.HttpStatus;

/**
 * Checks a deployment request before anything is looked up or created (pure): the name is a DNS label short enough
 * for the objects' names, the model and version are well formed, replicas, CPU, memory and GPUs are within the
 * platform's bounds. A refusal is a 400 naming the field. Whether the GPU type exists on the cluster and fits the
 * team's quota is the service's check (it needs the informers).
 */
final class ServingValidator {

    /** {@code portal-model-} + name must stay a DNS label (63): names up to 40 leave room. */
    static final int MAX_NAME = 40;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");
    private static final BigDecimal MIN_CPU = new BigDecimal("0.05");
    private static final BigDecimal MAX_RPS = new BigDecimal("100000");
    /** A GPU type is a node label value ({@code nvidia.com/gpu.product}). */
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    private ServingValidator() {
    }

    static ModelDeployment validate(DeployRequest request, ServingProperties limits) {
        if (request == null) {
            throw bad(null, "The request needs a body: name, model, version.");
        }
        String name = request.name();
        if (name == null || name.isBlank()) {
            throw bad("name", "Name the deployment (a DNS label: lower-case letters, digits and '-').");
        }
        if (name.length() > MAX_NAME || !DNS_LABEL.matcher(name).matches()) {
            throw bad("name", "'" + shorten(name) + "' is not a DNS label of at most " + MAX_NAME + " characters: "
                    + "lower-case letters, digits and '-', starting with a letter and ending with a letter or digit.");
        }
        String model = request.model();
        if (model == null || model.isBlank()) {
            throw bad("model", "Name the registered model to deploy.");
        }
        if (model.length() > 256 || model.contains("/") || model.chars().anyMatch(Character::isISOControl)) {
            throw bad("model", "'" + shorten(model) + "' is not a registered model's name (at most 256 characters, "
                    + "no '/').");
        }
        String version = request.version() == null ? null : request.version().trim();
        if (version == null || !VERSION.matcher(version).matches()) {
            throw bad("version", "The model version must be a version number as the registry shows it (1, 2, ...)"
                    + (version == null ? "." : ", not '" + shorten(version) + "'."));
        }
        if (request.replicas() != null && request.autoscaling() != null) {
            throw bad("replicas", "Ask for a fixed number of replicas or for autoscaling (its minReplicas and "
                    + "maxReplicas), not both.");
        }
        int replicas = replicas(request.replicas() == null ? 1 : request.replicas(), limits);
        String cpu = cpu(request.cpu() == null || request.cpu().isBlank() ? limits.cpu() : request.cpu(), limits);
        String memory = memory(request.memory() == null || request.memory().isBlank() ? limits.memory()
                : request.memory(), limits);
        int gpus = gpus(request.gpus(), limits);
        ModelDeployment deployment = new ModelDeployment(name, model, Integer.parseInt(version), replicas, cpu,
                memory, rateLimit(request.rateLimit(), limits)).withGpus(gpuType(request.gpuType(), gpus), gpus);
        return request.autoscaling() == null ? deployment
                : deployment.withAutoscaling(autoscaling(request.autoscaling(), deployment.holdsGpus(), limits));
    }

    /** A CPU request per replica within 50m..{@code max-cpu}. */
    static String cpu(String asked, ServingProperties limits) {
        String cpu = asked.trim();
        BigDecimal cores = amount("cpu", cpu);
        if (cores.compareTo(MIN_CPU) < 0 || cores.compareTo(amount("cpu", limits.maxCpu())) > 0) {
            throw bad("cpu", "CPU per replica must be between 50m and " + limits.maxCpu() + ", not " + cpu + ".");
        }
        return cpu;
    }

    /** A memory request (and limit) per replica within {@code min-memory}..{@code max-memory}. */
    static String memory(String asked, ServingProperties limits) {
        String memory = asked.trim();
        BigDecimal bytes = amount("memory", memory);
        if (bytes.compareTo(amount("memory", limits.minMemory())) < 0
                || bytes.compareTo(amount("memory", limits.maxMemory())) > 0) {
            throw bad("memory", "Memory per replica must be between " + limits.minMemory() + " and "
                    + limits.maxMemory() + ", not " + memory + ".");
        }
        return memory;
    }

    /** GPUs per replica (null: 0, CPU serving) within 0..{@code max-gpus}. */
    static int gpus(Integer asked, ServingProperties limits) {
        int gpus = asked == null ? 0 : asked;
        if (gpus < 0 || gpus > limits.maxGpus()) {
            throw bad("gpus", "GPUs per replica must be between 0 (CPU serving) and " + limits.maxGpus() + ", not "
                    + gpus + ".");
        }
        return gpus;
    }

    /**
     * The GPU type, required exactly when the replicas hold GPUs: a type without a count would be silently ignored,
     * a count without a type could land on any GPU node.
     */
    static String gpuType(String asked, int gpus) {
        String type = asked == null || asked.isBlank() ? null : asked.trim();
        if (gpus == 0) {
            if (type != null) {
                throw bad("gpuType", "gpuType " + shorten(type) + " is set but gpus is 0: ask for at least one GPU "
                        + "per replica, or leave gpuType out for CPU serving.");
            }
            return null;
        }
        if (type == null) {
            throw bad("gpuType", "Name the GPU type for " + gpus + " GPU(s) per replica (one of GET "
                    + "/api/v1/gpu-types), or ask for 0 GPUs for CPU serving.");
        }
        if (!LABEL_VALUE.matcher(type).matches()) {
            throw bad("gpuType", "'" + shorten(type) + "' is not a GPU type's name (as GET /api/v1/gpu-types "
                    + "lists them, e.g. NVIDIA-A100-SXM4-80GB).");
        }
        return type;
    }

    /** A fixed replica count within 1..{@code max-replicas}. */
    static int replicas(int replicas, ServingProperties limits) {
        if (replicas < 1 || replicas > limits.maxReplicas()) {
            throw bad("replicas", "Replicas must be between 1 and " + limits.maxReplicas() + ", not " + replicas
                    + ".");
        }
        return replicas;
    }

    /**
     * An autoscaling policy within the platform's bounds, with its defaults filled in: minReplicas 1 by default and
     * at most maxReplicas, maxReplicas at most {@code max-autoscaled-replicas}, at least one target, utilisations
     * in %, requests per second above 0, a GPU target exactly where the deployment's replicas hold GPUs
     * ({@code withGpus}), the scale-down window 0..3600 s (default
     * {@code scale-down-stabilization}). Whether maxReplicas fit in the team's quota is the service's check.
     */
    static ModelAutoscaling autoscaling(ModelAutoscaling asked, boolean withGpus, ServingProperties limits) {
        int min = asked.minReplicas() == null ? 1 : asked.minReplicas();
        if (min < 1) {
            throw bad("autoscaling.minReplicas", "minReplicas must be 1 or more, not " + min + ".");
        }
        if (asked.maxReplicas() == null) {
            throw bad("autoscaling.maxReplicas", "Name the most replicas autoscaling may run (maxReplicas, up to "
                    + limits.maxAutoscaledReplicas() + ").");
        }
        int max = asked.maxReplicas();
        if (max < min) {
            throw bad("autoscaling.maxReplicas", "maxReplicas (" + max + ") must be at least minReplicas (" + min
                    + ").");
        }
        if (max > limits.maxAutoscaledReplicas()) {
            throw bad("autoscaling.maxReplicas", "maxReplicas must be at most " + limits.maxAutoscaledReplicas()
                    + " (the platform's maximum), not " + max + ".");
        }
        percent("autoscaling.cpuUtilization", "CPU", asked.cpuUtilization(), 1000);
        percent("autoscaling.memoryUtilization", "Memory", asked.memoryUtilization(), 100);
        percent("autoscaling.gpuUtilization", "GPU", asked.gpuUtilization(), 100);
        BigDecimal rps = asked.requestsPerSecond();
        if (rps != null && (rps.signum() <= 0 || rps.compareTo(MAX_RPS) > 0 || rps.stripTrailingZeros().scale() > 3)) {
            throw bad("autoscaling.requestsPerSecond", "Requests per second per replica must be above 0 and at most "
                    + MAX_RPS.toPlainString() + " (at most 3 decimals), not " + rps.toPlainString() + ".");
        }
        if (asked.gpuUtilization() != null && !withGpus) {
            throw bad("autoscaling.gpuUtilization", "A GPU utilisation target needs GPUs, and this deployment has "
                    + "none (gpus 0: CPU serving): ask for gpuType and gpus, or scale on CPU, memory or requests per "
                    + "second instead.");
        }
        if (asked.cpuUtilization() == null && asked.memoryUtilization() == null && rps == null
                && asked.gpuUtilization() == null) {
            throw bad("autoscaling", "Name at least one target to scale on: cpuUtilization, memoryUtilization, "
                    + "requestsPerSecond or gpuUtilization.");
        }
        int window = asked.scaleDownStabilizationSeconds() == null
                ? (int) limits.scaleDownStabilization().toSeconds() : asked.scaleDownStabilizationSeconds();
        if (window < 0 || window > 3600) {
            throw bad("autoscaling.scaleDownStabilizationSeconds", "The scale-down window must be between 0 and "
                    + "3600 seconds, not " + window + ".");
        }
        return new ModelAutoscaling(min, max, asked.cpuUtilization(), asked.memoryUtilization(),
                rps == null ? null : plain(rps), asked.gpuUtilization(), window);
    }

    /** Without trailing zeros and never in exponent form (10, not 1E+1): what the API shows back. */
    static BigDecimal plain(BigDecimal number) {
        BigDecimal stripped = number.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    private static void percent(String field, String what, Integer percent, int most) {
        if (percent != null && (percent < 1 || percent > most)) {
            throw bad(field, what + " utilisation must be between 1 and " + most + " %, not " + percent + ".");
        }
    }

    /** A rate limit asked for (null: the default) within 1..{@code max-rate-limit}. */
    static int rateLimit(Integer asked, ServingProperties limits) {
        int rateLimit = asked == null ? limits.rateLimit() : asked;
        if (rateLimit < 1 || rateLimit > limits.maxRateLimit()) {
            throw bad("rateLimit", "The rate limit must be between 1 and " + limits.maxRateLimit()
                    + " requests per second per caller, not " + rateLimit + ".");
        }
        return rateLimit;
    }

    /** A version number as the registry shows it. */
    static int version(String asked) {
        String version = asked == null ? null : asked.trim();
        if (version == null || !VERSION.matcher(version).matches()) {
            throw bad("version", "The model version must be a version number as the registry shows it (1, 2, ...)"
                    + (version == null ? "." : ", not '" + shorten(version) + "'."));
        }
        return Integer.parseInt(version);
    }

    private static BigDecimal amount(String field, String quantity) {
        try {
            return Quantity.getAmountInBytes(new Quantity(quantity));
        } catch (IllegalArgumentException | ArithmeticException malformed) {
            throw bad(field, "'" + shorten(quantity) + "' is not a Kubernetes quantity (e.g. "
                    + ("cpu".equals(field) ? "500m or 2" : "768Mi or 2Gi") + ").");
        }
    }

    private static String shorten(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "…" : value;
    }

    private static ApiException bad(String field, String detail) {
        ApiException problem = new ApiException(HttpStatus.BAD_REQUEST, "Invalid model deployment", detail);
        return field == null ? problem : problem.withField(field);
    }
}
