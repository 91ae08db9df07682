package ai.portal.logs.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With a cluster configured (KUBECONFIG), the service starts, and records get labels from it while the live tail
 * has the pod log API as fallback: one bean per role, whatever object serves them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ClusterWiringTest {

    private static final KubernetesMockServer SERVER;
    private static final Path KUBECONFIG;

    static {
        SERVER = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        SERVER.init();
        try {
            KUBECONFIG = Files.createTempFile(Files.createDirectories(Path.of("target")), "kubeconfig-", ".yaml");
            Files.writeString(KUBECONFIG, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: mock, cluster: {server: "%s"}}]
                    users: [{name: mock, user: {token: mock}}]
                    contexts: [{name: mock, context: {cluster: mock, user: mock}}]
                    current-context: mock
                    """.formatted(SERVER.url("/").replaceAll("/$", "")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, KUBECONFIG.toString());
    }

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        registry.add("KUBECONFIG", KUBECONFIG::toString);
        registry.add("portal.logs.kubernetes.enabled", () -> "true");
    }

    @AfterAll
    static void stop() {
        System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
        SERVER.destroy();
    }

    @Autowired
    PodMetadata pods;
    @Autowired
    PodLogSource podLogs;

    @Test
    void recordsGetPodLabelsAndTheTailHasThePodLogApiWhenAClusterIsConfigured() {
        assertThat(podLogs.available()).isTrue();
        try (KubernetesClient client = SERVER.createClient()) {
            client.pods().inNamespace("team-a").resource(new PodBuilder()
                    .withNewMetadata().withName("nb-0").withNamespace("team-a")
                    .withLabels(Map.of("portal.ai/workload", "nb")).endMetadata()
                    .withNewSpec().addNewContainer().withName("jupyter").withImage("x").endContainer().endSpec()
                    .build()).create();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pods.lookup("team-a", "nb-0"))
                .hasValueSatisfying(pod -> assertThat(pod.labels()).containsEntry("portal.ai/workload", "nb")));
    }
}
