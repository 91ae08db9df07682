package ai.portal.tenant.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.springframework.http.HttpMethod.DELETE;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ai.portal.tenant.TenantApiTestSupport;
import ai.portal.testing.Tokens;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * SSO all the way to the cluster: the API server takes the realm's tokens (structured authentication, written by
 * {@code ./portal} into the local cluster's {@code --authentication-config}), so a team member's own Keycloak token
 * reads the team namespace through the Kubernetes API, as {@code kubectl} with an OIDC login would; an outsider's
 * is refused, and once the member leaves the team a fresh token no longer works.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ClusterSsoTest extends TenantApiTestSupport {

    private static final Duration GROUP_SYNC = Duration.ofSeconds(120);

    @Autowired
    KubernetesClient admin;

    @Test
    void aMembersSsoTokenReadsTheTeamNamespaceOnlyAndStopsWorkingAfterRemoval() {
        String slug = newSlug("sso");
        String elsewhere = newSlug("ssox");
        createTeam(slug, "carol");
        addMember(slug, "alice", "member");
        createTeam(elsewhere, "carol");
        awaitPhase(slug, "Ready");
        awaitPhase(elsewhere, "Ready");

        String aliceToken = awaitTokenWithGroup("alice", slug, true);
        try (KubernetesClient alice = clientWithToken(aliceToken)) {
            SelfSubjectReview whoAmI = alice.resource(new SelfSubjectReviewBuilder().build()).create();
            assertThat(whoAmI.getStatus().getUserInfo().getUsername()).isEqualTo("oidc:alice");
            assertThat(whoAmI.getStatus().getUserInfo().getGroups()).contains("oidc:/teams/team-" + slug);

            assertThat(alice.pods().inNamespace("team-" + slug).list().getItems()).isNotNull();
            assertThat(alice.configMaps().inNamespace("team-" + slug).list().getItems()).isNotEmpty();
            assertThat(forbidden(() -> alice.pods().inNamespace("team-" + elsewhere).list())).isEqualTo(403);
            assertThat(forbidden(() -> alice.namespaces().list())).isEqualTo(403);
            assertThat(forbidden(() -> alice.rbac().roleBindings().inNamespace("team-" + slug)
                    .withName("team-edit").edit(binding -> binding))).isEqualTo(403);
        }

        try (KubernetesClient bob = clientWithToken(TOKENS.userToken("bob"))) {
            assertThat(forbidden(() -> bob.pods().inNamespace("team-" + slug).list())).isEqualTo(403);
        }

        send("admin", DELETE, "/api/v1/teams/{slug}/members/alice", null, slug).expectStatus().isNoContent();
        String afterRemoval = awaitTokenWithGroup("alice", slug, false);
        try (KubernetesClient alice = clientWithToken(afterRemoval)) {
            assertThat(forbidden(() -> alice.pods().inNamespace("team-" + slug).list())).isEqualTo(403);
        }
    }

    @Test
    void aTokenIssuedForAnotherAudienceIsNotAClusterCredential() {
        // Keycloak's account console: a genuine token of the realm, but not one meant for the API server
        String token = TOKENS.tokenWithoutBackendAudience("alice");
        try (KubernetesClient holder = clientWithToken(token)) {
            assertThat(forbidden(() -> holder.resource(new SelfSubjectReviewBuilder().build()).create()))
                    .isEqualTo(401);
        }
        // the CLI's token names the API server
        assertThat(audiences(TOKENS.userToken("alice"))).contains("kubernetes");
    }

    /** Signs the user in afresh until the token's groups do (or no longer) carry the team: Keycloak sync is async. */
    private static String awaitTokenWithGroup(String user, String slug, boolean present) {
        String group = "/teams/team-" + slug;
        long deadline = System.nanoTime() + GROUP_SYNC.toNanos();
        while (true) {
            String token = TOKENS.userToken(user);
            List<String> groups = new ArrayList<>();
            Tokens.claims(token).path("groups").forEach(g -> groups.add(g.asString()));
            if (groups.contains(group) == present) {
                return token;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(user + "'s token " + (present ? "never carried " : "still carries ") + group
                        + " after " + GROUP_SYNC.toSeconds() + " s: " + groups);
            }
            sleep(1000);
        }
    }

    private static List<String> audiences(String token) {
        List<String> audiences = new ArrayList<>();
        Tokens.claims(token).path("aud").forEach(aud -> audiences.add(aud.asString()));
        return audiences;
    }

    /** The API server address and CA of the stack's cluster, with the user's bearer token as the only credential. */
    private KubernetesClient clientWithToken(String token) {
        Config cluster = admin.getConfiguration();
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(cluster.getMasterUrl())
                .withCaCertData(cluster.getCaCertData())
                .withCaCertFile(cluster.getCaCertFile())
                .withOauthToken(token)
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static int forbidden(Runnable call) {
        KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class, call::run);
        assertThat(refused).as("the API server should have refused this").isNotNull();
        return refused.getCode();
    }
}
