package ai.portal.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import ai.portal.jobs.workload.Desired;
import ai.portal.jobs.workload.WorkloadKind;
import ai.portal.jobs.workload.WorkloadRecord;
import org.junit.jupiter.api.Test;

/** Container metrics carry no workload labels: the pods are matched by the names their controllers give them. */
class PeakUsageReaderTest {

    @Test
    void aNotebooksPodIsItsStatefulSetsOnlyPod() {
        String pods = PeakUsageReader.pods(workload("lab", WorkloadKind.NOTEBOOK));
        assertThat("lab-0").matches(pods);
        assertThat("lab-1").doesNotMatch(pods);
        assertThat("lab2-0").doesNotMatch(pods);
    }

    @Test
    void aJobsPodsAreItsNameWithTheJobControllersSuffixAndNoOtherJobs() {
        String pods = PeakUsageReader.pods(workload("train", WorkloadKind.JOB));
        assertThat("train-x7k2p").matches(pods);
        assertThat("train-0-x7k2p").as("an indexed job's pod").matches(pods);
        assertThat("train-eval-x7k2p").as("the pod of job train-eval").doesNotMatch(pods);
        assertThat("train-abcde").as("vowels are not in Kubernetes' random names").doesNotMatch(pods);
        assertThat("train").doesNotMatch(pods);
    }

    private static WorkloadRecord workload(String name, WorkloadKind kind) {
        return new WorkloadRecord(UUID.randomUUID(), "vision", name, kind, "sub", "alice", null, Desired.RUNNING,
                false, null, Instant.now(), Instant.now(), null);
    }
}
