package ai.portal.jobs.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.portal.jobs.JobRunnerTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * The idle limits are platform settings: defaults until an admin sets them, changed one at a time (what a change
 * leaves out keeps its value), validated (RFC 9457 naming the field), audited; members only read them.
 */
class IdleSettingsTest extends JobRunnerTestSupport {

    @AfterEach
    void backToTheDefaults() {
        // the rows this test wrote; other tests set their limits through properties, which rows would override
        db.sql("delete from setting where key in ('notebook-idle-limit-seconds', 'gpu-notebook-idle-limit-seconds', "
                + "'idle-warning-seconds', 'max-idle-extension-seconds')").then().block();
    }

    @Test
    void adminsChangeIdleLimitsOneAtATimeWithinBoundsMembersOnlyReadThem() {
        JsonNode defaults = json(get("alice", "/api/v1/settings"), HttpStatus.OK);
        assertThat(defaults.path("notebookIdleLimitSeconds").asLong()).isEqualTo(8 * 3600);
        assertThat(defaults.path("gpuNotebookIdleLimitSeconds").asLong()).isEqualTo(3600);
        assertThat(defaults.path("idleWarningSeconds").asLong()).isEqualTo(600);
        assertThat(defaults.path("maxIdleExtensionSeconds").asLong()).isEqualTo(24 * 3600);

        expectProblem(send("alice", HttpMethod.PUT, "/api/v1/settings", Map.of("allowCustomImages", false,
                "gpuNotebookIdleLimitSeconds", 1800)), HttpStatus.FORBIDDEN, null);
        JsonNode changed = json(send("admin", HttpMethod.PUT, "/api/v1/settings", Map.of(
                "allowCustomImages", defaults.path("allowCustomImages").asBoolean(),
                "gpuNotebookIdleLimitSeconds", 1800)), HttpStatus.OK);
        assertThat(changed.path("gpuNotebookIdleLimitSeconds").asLong()).isEqualTo(1800);
        assertThat(changed.path("notebookIdleLimitSeconds").asLong()).isEqualTo(8 * 3600);
        assertThat(json(get("bob", "/api/v1/settings"), HttpStatus.OK).path("gpuNotebookIdleLimitSeconds").asLong())
                .isEqualTo(1800);
        var audited = db.sql("select * from audit_event where action = 'settings.update' order by id desc limit 1")
                .fetch().one().block();
        assertThat(String.valueOf(audited.get("after"))).contains("\"gpuNotebookIdleLimitSeconds\": 1800");

        expectProblem(send("admin", HttpMethod.PUT, "/api/v1/settings", Map.of("allowCustomImages", false,
                "notebookIdleLimitSeconds", 10)), HttpStatus.BAD_REQUEST, "notebookIdleLimitSeconds");
        expectProblem(send("admin", HttpMethod.PUT, "/api/v1/settings", Map.of("allowCustomImages", false,
                "idleWarningSeconds", 3600)), HttpStatus.BAD_REQUEST, "idleWarningSeconds");
        assertThat(json(get("admin", "/api/v1/settings"), HttpStatus.OK).path("idleWarningSeconds").asLong())
                .isEqualTo(600);
    }
}
