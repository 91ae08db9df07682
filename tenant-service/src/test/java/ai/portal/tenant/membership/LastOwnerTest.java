package ai.portal.tenant.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ai.portal.tenant.TenantApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * A team always keeps an owner, even when two owners are removed at the same moment: each removal checks the other
 * owner is still there, and without the team's row locked both checks could pass before either removal commits.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LastOwnerTest extends TenantApiTestSupport {

    static final int ROUNDS = 5;

    @Test
    void twoOwnersRemovedAtTheSameTimeLeaveOneOwner() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String slug = newSlug("owners");
            createTeam(slug, "carol");
            addMember(slug, "alice", "owner");
            CyclicBarrier together = new CyclicBarrier(2);

            List<Integer> statuses;
            try (ExecutorService both = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Integer> carolRemoved = both.submit(() -> remove(slug, "carol", together));
                Future<Integer> aliceRemoved = both.submit(() -> remove(slug, "alice", together));
                statuses = List.of(carolRemoved.get(60, TimeUnit.SECONDS), aliceRemoved.get(60, TimeUnit.SECONDS));
            }
            assertThat(statuses).as("round %d: one removal succeeds, the other is refused", round)
                    .containsExactlyInAnyOrder(204, 409);
            JsonNode members = get("admin", "/api/v1/teams/{slug}/members", slug).expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(members.valueStream().filter(m -> "owner".equals(m.path("role").asString())).count())
                    .as("round %d: owners left", round).isEqualTo(1);
        }
    }

    private int remove(String slug, String username, CyclicBarrier together) {
        try {
            together.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return send("admin", HttpMethod.DELETE, "/api/v1/teams/{slug}/members/{username}", null, slug, username)
                .returnResult(String.class).getStatus().value();
    }
}
