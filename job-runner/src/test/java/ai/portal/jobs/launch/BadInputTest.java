package ai.portal.jobs.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.portal.jobs.JobRunnerTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * Bad launches: a problem detail naming the field, nothing created (no row, no object), an audit row for each
 * refusal; requests no node could ever satisfy and launches into an archived team are refused at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest extends JobRunnerTestSupport {

    private String team;

    @BeforeAll
    void team() {
        bindClients();
        team = createTeam("bad", "alice");
    }

    static Map<String, Object> job(Object... overrides) {
        Map<String, Object> job = new HashMap<>(Map.of("name", "train", "image", "scipy",
                "command", List.of("python", "-c", "print(1)")));
        for (int i = 0; i < overrides.length; i += 2) {
            job.put((String) overrides[i], overrides[i + 1]);
        }
        return job;
    }

    @Test
    void aRefusalNamingNoPossibleTeamIsStillAudited() {
        String notATeam = "t" + java.util.UUID.randomUUID().toString().replace("-", "").repeat(9);
        String detail = "not a team name: '" + notATeam.substring(0, 64) + "'… (" + notATeam.length() + " characters)%";
        // alice's refusals of the other tests may have used up the minute's refusal rows (AuditLog's budget):
        // ask again until one is recorded
        List<Map<String, Object>> rows = await("the refusal's audit row", () -> {
            send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs", job(), notATeam).expectStatus()
                    .is4xxClientError();
            List<Map<String, Object>> found = db.sql("""
                            select * from audit_event where team_slug is null and action = 'job.create'
                            and actor_username = 'alice' and detail like :detail""")
                    .bind("detail", detail).fetch().all().collectList().block();
            if (found.isEmpty()) {
                sleep(2000);
            }
            return found;
        }, found -> !found.isEmpty(), java.time.Duration.ofSeconds(90));
        assertThat(rows.getFirst().get("outcome")).isIn("denied", "rejected");
        assertThat(String.valueOf(rows.getFirst().get("target"))).isEqualTo("job/train");
        // the refusal in the words its caller read, not the exception's Java rendering
        assertThat(String.valueOf(rows.getFirst().get("detail"))).doesNotContain("ProblemDetail[")
                .doesNotContain("NOT_FOUND");
    }

    @Test
    void everyBadFieldIsNamedAndNothingIsCreated() {
        Map<Map<String, Object>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(job("name", "Train_1"), "name");
        cases.put(job("image", "no-such-image"), "image");
        cases.put(job("image", "quay.io/someone/custom:1"), "image");
        cases.put(job("gpus", 9, "gpuType", "NVIDIA-H100-80GB-HBM3"), "gpus");
        cases.put(job("gpus", 1), "gpuType");
        cases.put(job("cpu", "lots"), "cpu");
        cases.put(job("memory", "-1Gi"), "memory");
        cases.put(job("env", List.of(Map.of("name", "1BAD", "value", "x"))), "env[0].name");
        cases.put(job("maxRuntimeSeconds", 5), "maxRuntimeSeconds");
        cases.put(job("retries", 99), "retries");
        cases.put(job("priority", "urgent"), "priority");
        cases.put(job("annotations", Map.of("kueue.x-k8s.io/queue-name", "other")), "annotations");
        for (var entry : cases.entrySet()) {
            expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs", entry.getKey(), team),
                    HttpStatus.BAD_REQUEST, entry.getValue());
        }
        expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks",
                Map.of("name", "nb", "image", "scipy", "workspaceSize", "100Ti"), team), HttpStatus.BAD_REQUEST,
                "workspaceSize");
        // a control character is refused while the body is read, before any action starts: like malformed JSON,
        // it names the field and is not an attempted launch, so it has no audit row
        expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs",
                job("command", List.of("echo", "\u0007")), team), HttpStatus.BAD_REQUEST, "command[1]");
        assertThat(workloadRows(team)).isZero();
        assertThat(kubernetes().batch().v1().jobs().inNamespace("team-" + team).list().getItems()).isEmpty();
        assertThat(auditRows(team, "job.create")).hasSize(cases.size())
                .allSatisfy(row -> assertThat(row.get("outcome")).isEqualTo("rejected"));
    }

    @Test
    void requestsNoNodeCouldEverRunAreRefusedAtOnce() {
        JsonNode tooBig = expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs",
                job("name", "huge", "gpus", 8, "gpuType", "Tesla-T4"), team),
                HttpStatus.UNPROCESSABLE_CONTENT, "gpus");
        assertThat(tooBig.path("detail").asString()).contains("No T4 node has 8 GPUs; the largest has 2");
        JsonNode unknown = expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs",
                job("name", "odd", "gpus", 1, "gpuType", "NVIDIA-B200"), team),
                HttpStatus.UNPROCESSABLE_CONTENT, "gpuType");
        assertThat(unknown.path("detail").asString()).contains("no node with GPU type NVIDIA-B200");
        JsonNode cpu = expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks",
                Map.of("name", "fat", "image", "scipy", "cpu", "64", "memory", "1Ti"), team),
                HttpStatus.UNPROCESSABLE_CONTENT, null);
        assertThat(cpu.path("problems")).isNotEmpty();
        JsonNode check = json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs?dryRun=true",
                job("name", "huge", "gpus", 8, "gpuType", "Tesla-T4"), team), HttpStatus.OK);
        assertThat(check.path("possible").asBoolean()).isFalse();
        assertThat(check.path("problems").get(0).path("field").asString()).isEqualTo("gpus");
        assertThat(workloadRows(team)).isZero();
    }

    @Test
    void customImagesOnlyWhereThePlatformAllowsThem() {
        expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs?dryRun=true",
                job("image", "quay.io/someone/custom:1"), team), HttpStatus.BAD_REQUEST, "image");
        send("admin", HttpMethod.PUT, "/api/v1/settings", Map.of("allowCustomImages", true)).expectStatus().isOk();
        try {
            send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs?dryRun=true",
                    job("image", "quay.io/someone/custom:1"), team).expectStatus().isOk();
            expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs?dryRun=true",
                    job("image", "not a reference"), team), HttpStatus.BAD_REQUEST, "image");
        } finally {
            send("admin", HttpMethod.PUT, "/api/v1/settings", Map.of("allowCustomImages", false))
                    .expectStatus().isOk();
        }
    }

    @Test
    void archivedTeamsLaunchNothing() {
        String archived = createTeam("arch", "alice");
        archive(archived);
        // a platform admin passes the team check and meets the archive: 409
        JsonNode refused = expectProblem(send("admin", HttpMethod.POST, "/api/v1/teams/{team}/jobs", job(), archived),
                HttpStatus.CONFLICT, null);
        assertThat(refused.path("title").asString()).isEqualTo("Team archived");
        expectProblem(send("admin", HttpMethod.POST, "/api/v1/teams/{team}/notebooks",
                Map.of("name", "nb", "image", "scipy"), archived), HttpStatus.CONFLICT, null);
        // tenant-service lists only active teams as memberships, so a member is refused before that
        int status = send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs", job(), archived)
                .returnResult(String.class).getStatus().value();
        assertThat(status).isIn(404, 409);
        assertThat(workloadRows(archived)).isZero();
        assertThat(auditRows(archived, "job.create")).hasSize(2)
                .allSatisfy(row -> assertThat(row.get("outcome")).isIn("rejected", "denied"));
    }
}
