package ai.portal.jobs.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import ai.portal.jobs.launch.LaunchRequests.LaunchNotebook;
import ai.portal.jobs.launch.LaunchRequests.SubmitJob;
import ai.portal.jobs.workload.EnvVar;
import ai.portal.jobs.workload.Priority;
import ai.portal.jobs.workload.WorkloadSpec;
import ai.portal.platform.problem.ApiException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class LaunchValidatorTest {

    private final LaunchValidator validator = new LaunchValidator(LaunchLimits.DEFAULTS);

    static SubmitJob job(String name, List<String> command, List<EnvVar> env, Integer gpus, String gpuType,
                         Long maxRuntime, Integer retries, String priority, Map<String, String> annotations) {
        return new SubmitJob(name, "scipy", command, List.of(), env, gpuType, gpus, "1", "1Gi", maxRuntime, retries,
                priority, annotations);
    }

    static SubmitJob job() {
        return job("train", List.of("python", "-c", "print(1)"), List.of(new EnvVar("A_1", "x")), 2,
                "NVIDIA-A100-SXM4-80GB", 600L, 1, "high", Map.of("sim.portal.ai/duration", "5s"));
    }

    @Test
    void aGoodJobBecomesACanonicalSpec() {
        WorkloadSpec spec = validator.job(job());
        assertThat(spec.gpus()).isEqualTo(2);
        assertThat(spec.priority()).isEqualTo(Priority.HIGH);
        assertThat(spec.maxRuntimeSeconds()).isEqualTo(600L);
        assertThat(spec.retries()).isEqualTo(1);
        assertThat(spec.annotations()).containsEntry("sim.portal.ai/duration", "5s");
    }

    @Test
    void defaultsFillWhatANotebookLeavesOut() {
        WorkloadSpec spec = validator.notebook(new LaunchNotebook("nb", "scipy", null, null, null, null, null));
        assertThat(spec.cpu()).isEqualTo("1");
        assertThat(spec.memory()).isEqualTo("4Gi");
        assertThat(spec.workspaceSize()).isEqualTo("10Gi");
        assertThat(spec.gpus()).isZero();
        assertThat(spec.gpuType()).isNull();
    }

    @Test
    void namesThatAreNotDnsLabelsAreRefused() {
        for (String name : List.of("Train", "1train", "train_1", "-x", "x-", "a".repeat(41), "tr ain", "tr/ain",
                "portal-mlflow", "portal-x")) {
            assertRefused(() -> validator.job(job(name, List.of(), List.of(), 0, null, null, null, null, null)),
                    "name");
        }
    }

    @Test
    void countsOutOfRangeAreRefused() {
        assertRefused(() -> validator.job(job("t", List.of(), List.of(), 9, "A", null, null, null, null)), "gpus");
        assertRefused(() -> validator.job(job("t", List.of(), List.of(), -1, "A", null, null, null, null)), "gpus");
        assertRefused(() -> validator.job(job("t", List.of(), List.of(), 1, null, null, null, null, null)), "gpuType");
        assertRefused(() -> validator.job(job("t", List.of(), List.of(), 0, "X", null, null, null, null)), "gpuType");
        assertRefused(() -> validator.job(job("t", List.of(), List.of(), 0, null, 10L, null, null, null)),
                "maxRuntimeSeconds");
        assertRefused(() -> validator.job(job("t", List.of(), List.of(), 0, null, null, 11, null, null)), "retries");
        assertRefused(() -> validator.job(job("t", List.of(), List.of(), 0, null, null, null, "urgent", null)),
                "priority");
        assertRefused(() -> validator.notebook(new LaunchNotebook("nb", "scipy", "0", null, null, null, null)), "cpu");
        assertRefused(() -> validator.notebook(new LaunchNotebook("nb", "scipy", "65", null, null, null, null)), "cpu");
        assertRefused(() -> validator.notebook(new LaunchNotebook("nb", "scipy", "1.0005", null, null, null, null)),
                "cpu");
        assertRefused(() -> validator.notebook(new LaunchNotebook("nb", "scipy", null, "lots", null, null, null)),
                "memory");
        assertRefused(() -> validator.notebook(new LaunchNotebook("nb", "scipy", null, "2Pi", null, null, null)),
                "memory");
        assertRefused(() -> validator.notebook(new LaunchNotebook("nb", "scipy", null, null, null, null, "10Ti")),
                "workspaceSize");
    }

    @Test
    void envNamesMustBeCIdentifiersOnce() {
        assertRefused(() -> validator.job(job("t", List.of(), List.of(new EnvVar("1A", "x")), 0, null, null, null,
                null, null)), "env[0].name");
        assertRefused(() -> validator.job(job("t", List.of(), List.of(new EnvVar("A", "x"), new EnvVar("A-B", "y")),
                0, null, null, null, null, null)), "env[1].name");
        assertRefused(() -> validator.job(job("t", List.of(), List.of(new EnvVar("A", "x"), new EnvVar("A", "y")),
                0, null, null, null, null, null)), "env[1].name");
        assertRefused(() -> validator.job(job("t", List.of(), List.of(new EnvVar("A", "x\0y")), 0, null, null, null,
                null, null)), "env[0].value");
    }

    @Test
    void commandsWithControlCharactersAreRefused() {
        assertRefused(() -> validator.job(job("t", List.of("echo", "a\u001b[2Jb"), List.of(), 0, null, null, null,
                null, null)), "command[1]");
        assertRefused(() -> validator.job(job("t", List.of("x".repeat(5000)), List.of(), 0, null, null, null, null,
                null)), "command[0]");
    }

    @Test
    void annotationsOfKubernetesKueueAndThePortalCannotBeSet() {
        for (String key : List.of("kueue.x-k8s.io/queue-name", "portal.ai/team", "kubernetes.io/x",
                "seccomp.security.alpha.kubernetes.io/pod", "not a key")) {
            assertRefused(() -> validator.job(job("t", List.of(), List.of(), 0, null, null, null, null,
                    Map.of(key, "v"))), "annotations");
        }
    }

    @Test
    void everyFieldAtFaultIsListed() {
        ApiException refused = (ApiException) org.assertj.core.api.Assertions.catchThrowable(() -> validator.job(
                job("Bad Name", List.of(), List.of(), 12, "A", 1L, null, null, null)));
        assertThat(refused.getBody().getProperties()).containsKey("errors");
        @SuppressWarnings("unchecked")
        List<Map<String, String>> errors = (List<Map<String, String>>) refused.getBody().getProperties().get("errors");
        assertThat(errors).extracting(error -> error.get("field"))
                .containsExactly("name", "gpus", "maxRuntimeSeconds");
    }

    @Test
    void aWorkloadGetsThePlatformDefaultSchedulerOrAnAllowedOneItNames() {
        assertThat(validator.notebook(new LaunchNotebook("nb", "scipy", null, null, null, null, null)).schedulerName())
                .isEqualTo("default-scheduler");
        assertThat(validator.notebook(new LaunchNotebook("nb", "scipy", null, null, null, null, null, " gpu-fit"))
                .schedulerName()).isEqualTo("gpu-fit");
        var platform = new LaunchValidator(LaunchLimits.DEFAULTS,
                new SchedulerChoice("gpu-fit", List.of("default-scheduler", "gpu-fit")));
        assertThat(platform.job(new SubmitJob("train", "scipy", null, null, null, null, null, null, null, null, null,
                null, null, null)).schedulerName()).isEqualTo("gpu-fit");
        assertRefused(() -> validator.job(new SubmitJob("train", "scipy", null, null, null, null, null, null, null,
                null, null, null, null, "my-own-scheduler")), "schedulerName");
        assertThatThrownBy(() -> new SchedulerChoice("volcano", List.of("default-scheduler")))
                .hasMessageContaining("not in portal.jobs.scheduling.allowed");
    }

    @Test
    void schedulerNameTravelsThroughJsonInRequestsAndStoredSpecs() {
        JsonMapper json = JsonMapper.builder().build();
        SubmitJob job = json.readValue("{\"name\":\"t\",\"image\":\"scipy\",\"schedulerName\":\"gpu-fit\"}",
                SubmitJob.class);
        assertThat(job.schedulerName()).isEqualTo("gpu-fit");
        assertThat(json.readValue("{\"name\":\"nb\",\"image\":\"scipy\"}", LaunchNotebook.class).schedulerName())
                .isNull();
        WorkloadSpec spec = validator.job(job);
        assertThat(json.readValue(json.writeValueAsString(spec), WorkloadSpec.class)).isEqualTo(spec);
        // a spec stored before the field existed reads as the cluster's default
        String old = json.writeValueAsString(spec).replace(",\"schedulerName\":\"gpu-fit\"", "");
        assertThat(old).doesNotContain("schedulerName");
        assertThat(json.readValue(old, WorkloadSpec.class).schedulerName()).isNull();
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOf(ApiException.class).satisfies(failure -> {
            ApiException problem = (ApiException) failure;
            assertThat(problem.getStatusCode().value()).isEqualTo(400);
            assertThat(problem.getBody().getProperties()).containsEntry("field", field);
        });
    }
}
