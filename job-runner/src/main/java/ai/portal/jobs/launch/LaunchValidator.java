package ai.portal.jobs.launch;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import ai.portal.jobs.launch.LaunchRequests.LaunchNotebook;
import ai.portal.jobs.launch.LaunchRequests.SubmitJob;
import ai.portal.jobs.workload.EnvVar;
import ai.portal.jobs.workload.Priority;
import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.jobs.workload.WorkloadSpec;
import ai.portal.platform.problem.ApiException;
import io.fabric8.kubernetes.api.model.Quantity;
import org.springframework.http.HttpStatus;

/**
 * Checks a launch request field by field and turns it into a canonical {@link WorkloadSpec}, or refuses it with a
 * problem detail naming the first field at fault (and every field at fault in {@code errors}). Pure: no cluster,
 * no database; the image is resolved and the request checked against quotas and nodes afterwards.
 *
 * <p>Commands, arguments and env values become list entries of the pod spec, never text inside it, so nothing in
 * them can change the pod spec; control characters are refused anyway, since no command needs them and logs and
 * terminals would render them.
 */
public final class LaunchValidator {

    private static final Pattern C_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern QUALIFIED_NAME = Pattern.compile(
            "(([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    /** Annotation domains (and their subdomains) whose keys mean something to Kubernetes or Kueue. */
    private static final List<String> RESERVED_DOMAINS = List.of("kubernetes.io", "k8s.io", "x-k8s.io");
    /** The portal's own annotation domain (its subdomains, e.g. the simulator's, are not the portal's). */
    private static final String PORTAL_DOMAIN = "portal.ai";
    private static final int MAX_COMMAND_ITEMS = 64;
    private static final int MAX_ARGS = 256;
    private static final int MAX_ITEM_LENGTH = 4096;
    private static final int MAX_ENV = 100;
    private static final int MAX_ENV_VALUE = 32_768;
    private static final int MAX_ANNOTATIONS = 20;

    private final LaunchLimits limits;
    private final SchedulerChoice schedulers;

    public LaunchValidator(LaunchLimits limits, SchedulerChoice schedulers) {
        this.limits = limits;
        this.schedulers = schedulers;
    }

    public LaunchValidator(LaunchLimits limits) {
        this(limits, SchedulerChoice.DEFAULTS);
    }

    /** A field at fault and why. */
    public record FieldError(String field, String message) {
    }

    public WorkloadSpec notebook(LaunchNotebook request) {
        Errors errors = new Errors();
        name(request.name(), errors);
        String cpu = cpu(request.cpu(), errors);
        String memory = memory(request.memory(), errors);
        int gpus = gpus(request.gpus(), errors);
        String gpuType = gpuType(request.gpuType(), gpus, errors);
        String workspace = quantity("workspaceSize", request.workspaceSize(), limits.defaultWorkspace(),
                limits.minWorkspace(), limits.maxWorkspace(), errors);
        String scheduler = scheduler(request.schedulerName(), errors);
        errors.throwIfAny();
        return new WorkloadSpec(request.image().strip(), null, cpu, memory, gpuType, gpus, workspace, null, null,
                null, null, null, Priority.NORMAL, null, scheduler);
    }

    /** The spec with a new CPU and memory request, each checked as a launch checks it. */
    public WorkloadSpec resized(WorkloadSpec spec, LaunchRequests.Resize request) {
        Errors errors = new Errors();
        String cpu = cpu(request.cpu(), errors);
        String memory = memory(request.memory(), errors);
        errors.throwIfAny();
        return new WorkloadSpec(spec.image(), spec.imageId(), cpu, memory, spec.gpuType(), spec.gpus(),
                spec.workspaceSize(), spec.command(), spec.args(), spec.env(), spec.maxRuntimeSeconds(),
                spec.retries(), spec.priority(), spec.annotations(), spec.schedulerName());
    }

    public WorkloadSpec job(SubmitJob request) {
        Errors errors = new Errors();
        name(request.name(), errors);
        String cpu = cpu(request.cpu(), errors);
        String memory = memory(request.memory(), errors);
        int gpus = gpus(request.gpus(), errors);
        String gpuType = gpuType(request.gpuType(), gpus, errors);
        List<String> command = strings("command", request.command(), MAX_COMMAND_ITEMS, errors);
        List<String> args = strings("args", request.args(), MAX_ARGS, errors);
        List<EnvVar> env = env(request.env(), errors);
        long maxRuntime = request.maxRuntimeSeconds() == null ? limits.defaultMaxRuntime().toSeconds()
                : request.maxRuntimeSeconds();
        if (maxRuntime < limits.minMaxRuntime().toSeconds() || maxRuntime > limits.maxMaxRuntime().toSeconds()) {
            errors.add("maxRuntimeSeconds", "must be between " + limits.minMaxRuntime().toSeconds() + " and "
                    + limits.maxMaxRuntime().toSeconds() + " seconds");
        }
        int retries = request.retries() == null ? 0 : request.retries();
        if (retries < 0 || retries > limits.maxRetries()) {
            errors.add("retries", "must be between 0 and " + limits.maxRetries());
        }
        Priority priority = Priority.NORMAL;
        if (request.priority() != null) {
            try {
                priority = Priority.fromWire(request.priority());
            } catch (IllegalArgumentException e) {
                errors.add("priority", "must be low, normal or high");
            }
        }
        Map<String, String> annotations = annotations(request.annotations(), errors);
        String scheduler = scheduler(request.schedulerName(), errors);
        errors.throwIfAny();
        return new WorkloadSpec(request.image().strip(), null, cpu, memory, gpuType, gpus, null, command, args, env,
                maxRuntime, retries, priority, annotations, scheduler);
    }

    /** The scheduler profile asked for, or the platform's default; only the allowed ones. */
    private String scheduler(String requested, Errors errors) {
        if (requested == null || requested.isBlank()) {
            return schedulers.defaultScheduler();
        }
        String name = requested.strip();
        if (!schedulers.allowed().contains(name)) {
            errors.add("schedulerName", "must be one of " + String.join(", ", schedulers.allowed()));
            return null;
        }
        return name;
    }

    private static void name(String name, Errors errors) {
        if (!WorkloadNames.isValid(name)) {
            errors.add("name", "must be a DNS label: lower-case letters, digits and '-', starting with a letter, "
                    + "at most " + WorkloadNames.MAX_LENGTH + " characters");
        } else if (name.startsWith(WorkloadNames.RESERVED_PREFIX)) {
            errors.add("name", "must not start with '" + WorkloadNames.RESERVED_PREFIX + "': the portal names its own "
                    + "objects in the team's namespace so (the experiment tracking server)");
        }
    }

    private String cpu(String cpu, Errors errors) {
        String value = quantity("cpu", cpu, limits.defaultCpu(), "1m", limits.maxCpu(), errors);
        if (value != null && amount(value).remainder(new BigDecimal("0.001")).signum() != 0) {
            errors.add("cpu", "must be a whole number of millicores (e.g. 0.5 or 500m)");
        }
        return value;
    }

    private String memory(String memory, Errors errors) {
        return quantity("memory", memory, limits.defaultMemory(), limits.minMemory(), limits.maxMemory(), errors);
    }

    private int gpus(Integer gpus, Errors errors) {
        int count = gpus == null ? 0 : gpus;
        if (count < 0 || count > limits.maxGpus()) {
            errors.add("gpus", "must be between 0 and " + limits.maxGpus());
        }
        return count;
    }

    private static String gpuType(String gpuType, int gpus, Errors errors) {
        if (gpus == 0) {
            if (gpuType != null && !gpuType.isBlank()) {
                errors.add("gpuType", "is set but gpus is 0; ask for at least one GPU or leave gpuType out");
            }
            return null;
        }
        if (gpuType == null || gpuType.isBlank()) {
            errors.add("gpuType", "is required when gpus > 0 (one of GET /api/v1/gpu-types)");
            return null;
        }
        if (!LABEL_VALUE.matcher(gpuType).matches()) {
            errors.add("gpuType", "is not a GPU type name (a Kubernetes label value)");
            return null;
        }
        return gpuType;
    }

    /** Parses a quantity, checks its bounds, and returns it in canonical form. */
    private static String quantity(String field, String value, String fallback, String min, String max, Errors errors) {
        String given = value == null || value.isBlank() ? fallback : value.strip();
        BigDecimal amount;
        try {
            amount = amount(given);
        } catch (IllegalArgumentException | ArithmeticException e) {
            errors.add(field, "'" + abbreviate(given) + "' is not a Kubernetes quantity (e.g. " + fallback + ")");
            return null;
        }
        if (amount.signum() <= 0) {
            errors.add(field, "must be more than 0");
            return null;
        }
        if (amount.compareTo(amount(min)) < 0 || amount.compareTo(amount(max)) > 0) {
            errors.add(field, "must be between " + min + " and " + max);
            return null;
        }
        return new Quantity(given).toString();
    }

    static BigDecimal amount(String quantity) {
        if (quantity == null || !quantity.matches("[0-9]+(\\.[0-9]+)?([eE][0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?")) {
            throw new IllegalArgumentException("not a quantity: " + quantity);
        }
        return Quantity.getAmountInBytes(new Quantity(quantity));
    }

    private static List<String> strings(String field, List<String> values, int max, Errors errors) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > max) {
            errors.add(field, "has " + values.size() + " items; at most " + max);
            return List.of();
        }
        List<String> checked = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null) {
                errors.add(field + "[" + i + "]", "must not be null");
            } else if (value.length() > MAX_ITEM_LENGTH) {
                errors.add(field + "[" + i + "]", "is longer than " + MAX_ITEM_LENGTH + " characters");
            } else if (hasControlCharacters(value)) {
                errors.add(field + "[" + i + "]", "contains control characters");
            } else {
                checked.add(value);
            }
        }
        return checked;
    }

    private static List<EnvVar> env(List<EnvVar> env, Errors errors) {
        if (env == null) {
            return List.of();
        }
        if (env.size() > MAX_ENV) {
            errors.add("env", "has " + env.size() + " variables; at most " + MAX_ENV);
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        List<EnvVar> checked = new ArrayList<>();
        for (int i = 0; i < env.size(); i++) {
            EnvVar variable = env.get(i);
            String name = variable == null ? null : variable.name();
            if (name == null || name.length() > 256 || !C_IDENTIFIER.matcher(name).matches()) {
                errors.add("env[" + i + "].name", "must be a C identifier: letters, digits and '_', not starting "
                        + "with a digit");
                continue;
            }
            if (!seen.add(name)) {
                errors.add("env[" + i + "].name", "'" + name + "' is set twice");
                continue;
            }
            String value = variable.value() == null ? "" : variable.value();
            if (value.length() > MAX_ENV_VALUE) {
                errors.add("env[" + i + "].value", "is longer than " + MAX_ENV_VALUE + " characters");
                continue;
            }
            if (value.indexOf('\0') >= 0) {
                errors.add("env[" + i + "].value", "contains a NUL character");
                continue;
            }
            checked.add(new EnvVar(name, value));
        }
        return checked;
    }

    private static Map<String, String> annotations(Map<String, String> annotations, Errors errors) {
        if (annotations == null) {
            return Map.of();
        }
        if (annotations.size() > MAX_ANNOTATIONS) {
            errors.add("annotations", "has " + annotations.size() + " entries; at most " + MAX_ANNOTATIONS);
            return Map.of();
        }
        Map<String, String> checked = new LinkedHashMap<>();
        annotations.forEach((key, value) -> {
            if (key == null || key.length() > 317 || !QUALIFIED_NAME.matcher(key).matches()) {
                errors.add("annotations", "'" + abbreviate(String.valueOf(key)) + "' is not an annotation key");
            } else if (reserved(key)) {
                errors.add("annotations", "'" + key + "' belongs to Kubernetes, Kueue or the portal and cannot be set");
            } else if (value == null || value.length() > MAX_ITEM_LENGTH || hasControlCharacters(value)) {
                errors.add("annotations", "the value of '" + key + "' is missing, too long or has control characters");
            } else {
                checked.put(key, value);
            }
        });
        return checked;
    }

    private static boolean reserved(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String domain = key.substring(0, slash).toLowerCase(Locale.ROOT);
        return domain.equals(PORTAL_DOMAIN)
                || RESERVED_DOMAINS.stream().anyMatch(reserved -> domain.equals(reserved) || domain.endsWith("." + reserved));
    }

    private static boolean hasControlCharacters(String value) {
        return value.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t');
    }

    private static String abbreviate(String text) {
        String printable = text.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }

    /** Collects every field error, then refuses with the first one named in {@code field}. */
    private static final class Errors {
        private final List<FieldError> errors = new ArrayList<>();

        void add(String field, String message) {
            errors.add(new FieldError(field, message));
        }

        void throwIfAny() {
            if (errors.isEmpty()) {
                return;
            }
            String detail = String.join("; ", errors.stream().map(error -> error.field() + " " + error.message())
                    .toList());
            ApiException invalid = new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail)
                    .withField(errors.getFirst().field());
            invalid.getBody().setProperty("errors", errors.stream()
                    .map(error -> Map.of("field", error.field(), "message", error.message())).toList());
            throw invalid;
        }
    }
}
