package ai.portal.logs.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Pod labels for the records come from an informer: a pod created or relabelled is seen without a request per line. */
class ClusterAccessTest {

    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(),
                new java.util.HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void podLabelsUidAndNodeComeFromThePodInformer() {
        try (ClusterAccess access = new ClusterAccess(client, new KubernetesProperties(true, Duration.ofMinutes(10), DataSize.ofKilobytes(64)))) {
            assertThat(access.lookup("team-a", "train-1")).isEmpty();
            String uid = client.pods().inNamespace("team-a").resource(new PodBuilder()
                    .withNewMetadata().withName("train-1").withNamespace("team-a")
                    .withLabels(Map.of("portal.ai/workload", "train")).endMetadata()
                    .withNewSpec().withNodeName("gpu-node-1").addNewContainer().withName("main").withImage("x").endContainer()
                    .endSpec().build()).create().getMetadata().getUid(); // the server assigns it
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(access.lookup("team-a", "train-1"))
                    .hasValueSatisfying(pod -> {
                        assertThat(pod.labels()).containsEntry("portal.ai/workload", "train");
                        assertThat(pod.nodeName()).isEqualTo("gpu-node-1");
                        assertThat(pod.uid()).isEqualTo(uid);
                    }));
            assertThat(access.lookup("team-b", "train-1")).isEmpty();
        }
    }

    @Test
    void podLogFallbackFindsPodsInTheInformerCacheAndAsksTheApiOnlyForBoundedLogText() throws Exception {
        try (ClusterAccess access = new ClusterAccess(client, new KubernetesProperties(true, Duration.ofMinutes(10), DataSize.ofKilobytes(64)))) {
            for (String name : new String[] {"train-a", "train-b", "other"}) {
                client.pods().inNamespace("team-a").resource(new PodBuilder()
                        .withNewMetadata().withName(name).withNamespace("team-a")
                        .withLabels(Map.of("portal.ai/workload", name.startsWith("train") ? "train" : "other"))
                        .endMetadata()
                        .withNewSpec().addNewContainer().withName("main").withImage("x").endContainer().endSpec()
                        .build()).create();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> access.lookup("team-a", "other").isPresent());
            int before = server.getRequestCount();
            access.after("team-a", new PodLogSource.Selection(null, null, "portal.ai/workload", "train"),
                    java.time.Instant.EPOCH).collectList().block(Duration.ofSeconds(10));
            java.util.List<String> paths = new java.util.ArrayList<>();
            for (int i = 0; i < server.getRequestCount(); i++) {
                var request = server.takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
                if (i >= before && request != null && !request.getPath().contains("watch=true")) {
                    paths.add(request.getPath());
                }
            }
            assertThat(paths).as("requests of one fallback read").hasSize(2)
                    .allSatisfy(path -> assertThat(path).contains("/log?").contains("limitBytes=65536"))
                    .anySatisfy(path -> assertThat(path).contains("/pods/train-a/log"))
                    .anySatisfy(path -> assertThat(path).contains("/pods/train-b/log"));
        }
    }
}
