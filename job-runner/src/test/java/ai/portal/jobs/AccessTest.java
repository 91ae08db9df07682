package ai.portal.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * Every team endpoint: another team's member gets exactly what they get for a team that does not exist (404, "not
 * found or not allowed"), a viewer reads but changes nothing (403), and each refusal is an audit row. alice owns the
 * team, carol views it, bob is not in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTest extends JobRunnerTestSupport {

    private String team;

    record Call(HttpMethod method, String path, Object body, boolean mutation) {
    }

    @BeforeAll
    void team() {
        bindClients();
        team = createTeam("acc", "alice");
        addMember(team, "carol", "viewer");
    }

    List<Call> calls() {
        Map<String, Object> notebook = Map.of("name", "nb", "image", "scipy");
        Map<String, Object> job = Map.of("name", "jb", "image", "scipy", "command", List.of("true"));
        Map<String, Object> deployment = Map.of("name", "md", "model", "m", "version", "1");
        return List.of(
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/workloads", null, false),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/workloads/nb", null, false),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/capacity", null, false),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/notebooks", null, false),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/notebooks/nb", null, false),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/jobs", null, false),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/jobs/jb", null, false),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/notebooks", notebook, true),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/notebooks?dryRun=true", notebook, true),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/notebooks/nb/stop", null, true),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/notebooks/nb/start", null, true),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/notebooks/nb/resize",
                        Map.of("cpu", "500m", "memory", "1Gi"), true),
                new Call(HttpMethod.DELETE, "/api/v1/teams/{team}/notebooks/nb", null, true),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/jobs", job, true),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/jobs?dryRun=true", job, true),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/jobs/jb/cancel", null, true),
                new Call(HttpMethod.DELETE, "/api/v1/teams/{team}/jobs/jb", null, true),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/tracking", null, false),
                new Call(HttpMethod.PUT, "/api/v1/teams/{team}/tracking", null, true),
                new Call(HttpMethod.DELETE, "/api/v1/teams/{team}/tracking", null, true),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/models", null, false),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/model-deployments", null, false),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/model-deployments/md", null, false),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/model-deployments/md/scaling-history", null, false),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/model-deployments", deployment, true),
                new Call(HttpMethod.PATCH, "/api/v1/teams/{team}/model-deployments/md", Map.of("version", "2"),
                        true),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/model-deployments/md/rollback", null, true),
                new Call(HttpMethod.GET, "/api/v1/teams/{team}/model-deployments/md/keys", null, false),
                new Call(HttpMethod.POST, "/api/v1/teams/{team}/model-deployments/md/keys", Map.of("name", "ci"),
                        true),
                new Call(HttpMethod.DELETE, "/api/v1/teams/{team}/model-deployments/md/keys/"
                        + "6f1c0c7e-3f0a-4c57-9d0b-3b1c2d7f9a10", null, true),
                new Call(HttpMethod.DELETE, "/api/v1/teams/{team}/model-deployments/md", null, true));
    }

    @Test
    void anotherTeamsMemberGetsWhatANonexistentTeamGives() {
        for (Call call : calls()) {
            JsonNode denied = named(call, () -> expectProblem(send("bob", call.method(), call.path(), call.body(),
                    team), HttpStatus.NOT_FOUND, null));
            JsonNode missing = named(call, () -> expectProblem(send("bob", call.method(), call.path(), call.body(),
                    "no-such-team"), HttpStatus.NOT_FOUND, null));
            assertThat(denied.path("title").asString()).as(call.path()).isEqualTo(missing.path("title").asString());
            assertThat(denied.path("detail").asString().replace(team, "X"))
                    .isEqualTo(missing.path("detail").asString().replace("no-such-team", "X"));
        }
        get("bob", "/api/v1/usage?team={team}", team).expectStatus().isNotFound();
        get("bob", "/api/v1/teams/{team}/workloads/stream", team).expectStatus().isNotFound();
        assertThat(auditRows(team, "notebook.create")).anySatisfy(row ->
                assertThat(row.get("outcome")).isEqualTo("denied"));
    }

    /**
     * Answers about membership are reused for a while (portal.teams.cache-for), but only a removal may wait for them
     * to expire: someone just added to a team gets in with their very next request.
     */
    @Test
    void aMemberJustAddedIsLetInAtOnce() {
        String other = createTeam("acn", "alice");
        get("carol", "/api/v1/teams/{team}/workloads", other).expectStatus().isNotFound();
        addMember(other, "carol", "viewer");
        get("carol", "/api/v1/teams/{team}/workloads", other).expectStatus().isOk();
    }

    /** The call's answer; a call that fails or does not answer in time is named in the failure. */
    private static <T> T named(Call call, Supplier<T> answer) {
        try {
            return answer.get();
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(call.method() + " " + call.path() + ": " + e.getMessage(), e);
        }
    }

    @Test
    void viewersReadButChangeNothing() {
        for (Call call : calls()) {
            var response = named(call, () -> send("carol", call.method(), call.path(), call.body(), team));
            if (call.mutation()) {
                named(call, () -> expectProblem(response, HttpStatus.FORBIDDEN, null));
            } else {
                int status = named(call, () -> response.returnResult(String.class).getStatus().value());
                // the named workloads do not exist; the lists do; the model registry is off with tracking
                assertThat(status).as(call.path()).isIn(200, 404, 409);
            }
        }
        assertThat(workloadRows(team)).isZero();
        assertThat(auditRows(team, "job.create")).anySatisfy(row -> {
            assertThat(row.get("outcome")).isEqualTo("denied");
            assertThat(row.get("actor_username")).isEqualTo("carol");
        });
    }
}
