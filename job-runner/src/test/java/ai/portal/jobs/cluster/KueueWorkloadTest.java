package ai.portal.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import org.junit.jupiter.api.Test;

class KueueWorkloadTest {

    @Test
    void theObjectAWorkloadStandsForIsKueuesOwnRecordEvenWithoutItsOwnerReference() {
        // as Kueue leaves a StatefulSet's Workload at zero replicas: owned by the pod only, its record kept
        GenericKubernetesResource resource = workload(Map.of(
                "kueue.x-k8s.io/job-owner-gvk", "apps/v1, Kind=StatefulSet",
                "kueue.x-k8s.io/job-owner-name", "lab"), Map.of("kueue.x-k8s.io/job-uid", "sts-uid"));

        KueueWorkload seen = KueueWorkload.of(resource);

        assertThat(seen.ownerKind()).isEqualTo("StatefulSet");
        assertThat(seen.ownerName()).isEqualTo("lab");
        assertThat(seen.ownerUid()).isEqualTo("sts-uid");
    }

    @Test
    void withoutKueuesRecordTheControllingOwnerCounts() {
        KueueWorkload seen = KueueWorkload.of(workload(Map.of(), Map.of()));

        assertThat(seen.ownerKind()).isEqualTo("Pod");
        assertThat(seen.ownerName()).isEqualTo("lab-0");
        assertThat(seen.ownerUid()).isEqualTo("pod-uid");
        assertThat(KueueWorkload.kindOf("batch/v1, Kind=Job")).isEqualTo("Job");
        assertThat(KueueWorkload.kindOf("nonsense")).isNull();
    }

    private static GenericKubernetesResource workload(Map<String, String> annotations, Map<String, String> labels) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(KueueWorkload.API_VERSION);
        resource.setKind("Workload");
        resource.setMetadata(new ObjectMetaBuilder().withNamespace("team-a").withName("statefulset-lab-1a2b3")
                .withUid("wl-uid").withAnnotations(annotations).withLabels(labels)
                .withOwnerReferences(List.of(new OwnerReferenceBuilder().withKind("Pod").withName("lab-0")
                        .withUid("pod-uid").withController(true).build()))
                .build());
        return resource;
    }
}
