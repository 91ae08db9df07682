package ai.portal.jobs.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import ai.portal.jobs.KueueTestSupport;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cluster slower to answer than the job runner waits. A real admission webhook (an HTTPS server in this JVM that
 * the API server calls for every Job created in the test team's namespace) holds the first creation until after the
 * job runner's Kubernetes client has given up (10 s): the job runner cannot know whether the Job was written (on a
 * loaded cluster it was, a moment later, while the submit answered 502 "nothing was created"). The submit must keep
 * the workload instead of rolling it back, and the workload must end up with exactly one Job, run, and be tracked
 * like any other. (Here the API server drops the held request when the client goes; the reconciler then creates
 * the Job. Where the write lands after all, the reconciler records it instead: a job is still created once.)
 */
class SlowClusterTest extends KueueTestSupport {

    /** Longer than the client's request timeout (fabric8's default, 10 s), shorter than the webhook's own (25 s). */
    private static final long WEBHOOK_DELAY_MS = 14_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final java.util.concurrent.atomic.AtomicBoolean firstCreation =
            new java.util.concurrent.atomic.AtomicBoolean(true);
    private HttpsServer webhook;
    private String webhookName;

    @Test
    void aSubmitTheClusterAnswersTooLateIsKeptAndRunsOnce() throws Exception {
        awaitLeader();
        String team = teamWithQuota("slow", "alice", Map.of(), 1, false);
        slowJobCreationIn("team-" + team);

        JsonNode created = json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs",
                job("late", null, 0, "3s"), team), HttpStatus.CREATED);
        assertThat(created.path("name").asString()).isEqualTo("late");

        JsonNode done = awaitPhase(team, "late", "Succeeded");
        assertThat(done.path("workload").path("status").path("exit").path("code").asInt()).isZero();
        var jobs = kubernetes().batch().v1().jobs().inNamespace("team-" + team).list().getItems();
        assertThat(jobs).as("Jobs in team-%s", team).hasSize(1);
        String workloadId = String.valueOf(db.sql("select id from workload where team_slug = :team and name = 'late'")
                .bind("team", team).fetch().one().block().get("id"));
        assertThat(jobs.getFirst().getMetadata().getLabels()).containsEntry("portal.ai/workload-id", workloadId);
        assertThat(auditRows(team, "job.create")).extracting(row -> String.valueOf(row.get("outcome")))
                .containsExactly("success");
    }

    /** Registers a webhook that holds the first Job creation in {@code namespace} for {@link #WEBHOOK_DELAY_MS}. */
    private void slowJobCreationIn(String namespace) throws Exception {
        Path dir = Files.createTempDirectory("slow-webhook");
        Path keystore = dir.resolve("webhook.p12");
        Path certificate = dir.resolve("webhook.pem");
        char[] password = "changeit".toCharArray();
        keytool("-genkeypair", "-alias", "webhook", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "1",
                "-dname", "CN=slow-webhook", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "webhook", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-file", certificate.toString());

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        webhook = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.setHttpsConfigurator(new HttpsConfigurator(tls));
        webhook.setExecutor(Executors.newCachedThreadPool());
        webhook.createContext("/validate", exchange -> {
            JsonNode review = JSON.readTree(exchange.getRequestBody().readAllBytes());
            if (firstCreation.compareAndSet(true, false)) {
                sleep(WEBHOOK_DELAY_MS);
            }
            byte[] answer = JSON.writeValueAsBytes(Map.of("apiVersion", "admission.k8s.io/v1",
                    "kind", "AdmissionReview",
                    "response", Map.of("uid", review.path("request").path("uid").asString(), "allowed", true)));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        webhook.start();

        webhookName = "portal-test-slow-" + namespace;
        String caBundle = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(certificate));
        ValidatingWebhookConfiguration configuration = new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(webhookName).addToLabels("portal.ai/instance", instance()).endMetadata()
                .addNewWebhook()
                .withName("slow.jobs.portal-test.ai")
                .withNewClientConfig()
                .withUrl("https://127.0.0.1:" + webhook.getAddress().getPort() + "/validate")
                .withCaBundle(caBundle)
                .endClientConfig()
                .addNewRule().withApiGroups("batch").withApiVersions("v1").withResources("jobs")
                .withOperations("CREATE").withScope("Namespaced").endRule()
                .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", namespace)
                .endNamespaceSelector()
                .withSideEffects("None")
                .withAdmissionReviewVersions("v1")
                .withTimeoutSeconds(25)
                .withFailurePolicy("Fail")
                .endWebhook()
                .build();
        kubernetes().admissionRegistration().v1().validatingWebhookConfigurations().resource(configuration).create();
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
        }
    }

    @AfterEach
    void removeWebhook() {
        if (webhookName != null) {
            kubernetes().admissionRegistration().v1().validatingWebhookConfigurations().withName(webhookName).delete();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }
}
