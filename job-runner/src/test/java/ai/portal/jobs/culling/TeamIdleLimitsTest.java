package ai.portal.jobs.culling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.portal.jobs.KueueTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A platform admin gives one team idle limits of its own: that team's idle notebook is stopped after the team's
 * short limit while another team's, under the platform's long one, keeps running; "keep running" is bounded by the
 * team's own bound; members read their team's limits, nobody else does, only admins change them (validated,
 * audited), and a team can be made to follow the platform again.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TeamIdleLimitsTest extends KueueTestSupport {

    @DynamicPropertySource
    static void quickCulling(DynamicPropertyRegistry registry) {
        // the platform's limits stay long (the defaults: 8 h, GPU 1 h, extensions up to 24 h); the warning is short
        registry.add("portal.notebooks.idle.warning", () -> "10s");
        registry.add("portal.notebooks.culling.period", () -> "2s");
    }

    @Test
    void aTeamsOwnLimitStopsItsIdleNotebookWhileOtherTeamsFollowThePlatform() {
        String strict = teamWithQuota("strict", "alice", Map.of(), 2, false);
        String relaxed = teamWithQuota("relaxed", "alice", Map.of(), 2, false);
        String limits = "/api/v1/settings/teams/{team}";

        // only platform admins set them, within bounds, for a team that exists
        expectProblem(send("alice", HttpMethod.PUT, limits, Map.of("notebookIdleLimitSeconds", 60), strict),
                HttpStatus.FORBIDDEN, null);
        expectProblem(send("admin", HttpMethod.PUT, limits, Map.of("notebookIdleLimitSeconds", 30), strict),
                HttpStatus.BAD_REQUEST, "notebookIdleLimitSeconds");
        expectProblem(send("admin", HttpMethod.PUT, limits, Map.of(), strict), HttpStatus.BAD_REQUEST, null);
        expectProblem(send("admin", HttpMethod.PUT, limits, Map.of("notebookIdleLimitSeconds", 60), "no-such-team"),
                HttpStatus.NOT_FOUND, null);
        JsonNode set = json(send("admin", HttpMethod.PUT, limits, Map.of("notebookIdleLimitSeconds", 60,
                "maxIdleExtensionSeconds", 300), strict), HttpStatus.OK);
        assertThat(set.path("effective").path("notebookIdleLimitSeconds").asLong()).isEqualTo(60);
        assertThat(set.path("effective").path("gpuNotebookIdleLimitSeconds").asLong()).as("the platform's")
                .isEqualTo(3600);
        assertThat(set.path("effective").path("maxIdleExtensionSeconds").asLong()).isEqualTo(300);
        assertThat(set.path("own").path("gpuNotebookIdleLimitSeconds").isNull()).isTrue();
        assertThat(auditRows(strict, "settings.team-idle.update")).extracting(row -> row.get("outcome"))
                .contains("success", "denied", "rejected");

        // members read their team's limits; someone of no team of theirs finds nothing
        assertThat(json(get("alice", limits, strict), HttpStatus.OK).path("effective")
                .path("notebookIdleLimitSeconds").asLong()).isEqualTo(60);
        assertThat(json(get("alice", limits, relaxed), HttpStatus.OK).path("effective")
                .path("notebookIdleLimitSeconds").asLong()).isEqualTo(8 * 3600);
        expectProblem(get("carol", limits, strict), HttpStatus.NOT_FOUND, null);
        assertThat(json(get("admin", "/api/v1/settings/teams"), HttpStatus.OK).findValuesAsString("team"))
                .contains(strict).doesNotContain(relaxed);

        for (String team : new String[] {strict, relaxed}) {
            json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", Map.of("name", "lab",
                    "image", "scipy", "cpu", "1", "memory", "2Gi"), team), HttpStatus.CREATED);
        }
        awaitPhase(strict, "lab", "Running");
        awaitPhase(relaxed, "lab", "Running");

        // keeping a notebook running is bounded by its team's own bound (5 min here), not the platform's (24 h)
        String extension = "/api/v1/teams/{team}/notebooks/lab/idle-extension";
        JsonNode tooLong = expectProblem(send("alice", HttpMethod.POST, extension, Map.of("seconds", 600), strict),
                HttpStatus.BAD_REQUEST, "seconds");
        assertThat(tooLong.path("detail").asString()).contains("team " + strict);
        json(send("alice", HttpMethod.POST, extension, Map.of("seconds", 600), relaxed), HttpStatus.OK);

        // the strict team's idle notebook: warned, then stopped after its team's minute; the relaxed one runs on
        JsonNode stopped = awaitPhase(strict, "lab", "Stopped");
        assertThat(stopped.path("workload").path("status").path("reason").path("code").asString())
                .isEqualTo("stopped-idle");
        assertThat((String) auditRows(strict, "notebook.stop").getFirst().get("detail")).contains("(limit 1 min)");
        JsonNode other = workload(relaxed, "lab").path("workload").path("status");
        assertThat(other.path("phase").asString()).isEqualTo("Running");
        assertThat(other.path("idle").path("stopAt").isMissingNode() || other.path("idle").path("stopAt").isNull())
                .as("never warned: %s", other).isTrue();

        // back to the platform's limits
        JsonNode reset = json(send("admin", HttpMethod.DELETE, limits, null, strict), HttpStatus.OK);
        assertThat(reset.path("own").isNull()).isTrue();
        assertThat(reset.path("effective").path("notebookIdleLimitSeconds").asLong()).isEqualTo(8 * 3600);
        assertThat(auditRows(strict, "settings.team-idle.delete")).extracting(row -> row.get("outcome"))
                .containsExactly("success");
    }
}
