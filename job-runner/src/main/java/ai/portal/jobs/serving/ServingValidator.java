package ai.portal.jobs.serving;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import ai.portal.platform.problem.ApiException;
import io.fabric8.kubernetes.api.model.Quantity;
import org.springframework.http.HttpStatus;

/**
 * Checks a deployment request before anything is looked up or created (pure): the name is a DNS label short enough
 * for the objects' names, the model and version are well formed, replicas, CPU and memory are within the platform's
 * bounds. A refusal is a 400 naming the field.
 */
final class ServingValidator {

    /** {@code portal-model-} + name must stay a DNS label (63): names up to 40 leave room. */
    static final int MAX_NAME = 40;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");
    private static final BigDecimal MIN_CPU = new BigDecimal("0.05");

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
        int replicas = request.replicas() == null ? 1 : request.replicas();
        if (replicas < 1 || replicas > limits.maxReplicas()) {
            throw bad("replicas", "Replicas must be between 1 and " + limits.maxReplicas() + ", not " + replicas
                    + ".");
        }
        String cpu = request.cpu() == null || request.cpu().isBlank() ? limits.cpu() : request.cpu().trim();
        BigDecimal cores = amount("cpu", cpu);
        if (cores.compareTo(MIN_CPU) < 0 || cores.compareTo(amount("cpu", limits.maxCpu())) > 0) {
            throw bad("cpu", "CPU per replica must be between 50m and " + limits.maxCpu() + ", not " + cpu + ".");
        }
        String memory = request.memory() == null || request.memory().isBlank() ? limits.memory()
                : request.memory().trim();
        BigDecimal bytes = amount("memory", memory);
        if (bytes.compareTo(amount("memory", limits.minMemory())) < 0
                || bytes.compareTo(amount("memory", limits.maxMemory())) > 0) {
            throw bad("memory", "Memory per replica must be between " + limits.minMemory() + " and "
                    + limits.maxMemory() + ", not " + memory + ".");
        }
        return new ModelDeployment(name, model, Integer.parseInt(version), replicas, cpu, memory,
                rateLimit(request.rateLimit(), limits));
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
