package ai.portal.jobs.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.portal.jobs.JobRunnerTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/** The image catalogue and platform settings through the API, as admins and members, against the real stack. */
class CatalogApiTest extends JobRunnerTestSupport {

    @Test
    void everyoneSeesTheSeededCatalogue() {
        JsonNode images = json(get("alice", "/api/v1/images"), HttpStatus.OK);
        assertThat(images.findValuesAsString("reference")).contains(
                "quay.io/jupyter/scipy-notebook:2025-11-10",
                "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-10",
                "quay.io/jupyter/tensorflow-notebook:cuda-2025-11-10");
        JsonNode pytorch = json(get("alice", "/api/v1/images/pytorch-cuda12"), HttpStatus.OK);
        assertThat(pytorch.path("cuda").asBoolean()).isTrue();
        assertThat(pytorch.path("forNotebooks").asBoolean()).isTrue();
    }

    @Test
    void adminsEditTheCatalogueAndEveryChangeIsAudited() {
        String id = "test-" + newSlug("img");
        Map<String, Object> image = Map.of("id", id, "reference", "registry.example/team/" + id + ":1.0",
                "displayName", "Test image", "forNotebooks", false, "forJobs", true, "cuda", false);
        JsonNode created = json(send("admin", HttpMethod.POST, "/api/v1/images", image), HttpStatus.CREATED);
        assertThat(created.path("enabled").asBoolean()).isTrue();
        Map<String, Object> changed = new java.util.HashMap<>(image);
        changed.put("enabled", false);
        assertThat(json(send("admin", HttpMethod.PUT, "/api/v1/images/{id}", changed, id), HttpStatus.OK)
                .path("enabled").asBoolean()).isFalse();
        send("admin", HttpMethod.DELETE, "/api/v1/images/{id}", null, id).expectStatus().isNoContent();
        get("admin", "/api/v1/images/{id}", id).expectStatus().isNotFound();

        JsonNode audit = json(get("admin", "/api/v1/audit?action=image.create"), HttpStatus.OK);
        assertThat(audit.findValuesAsString("target")).contains("image/" + id);
        JsonNode deletes = json(get("admin", "/api/v1/audit?action=image.delete"), HttpStatus.OK);
        assertThat(deletes.findValuesAsString("target")).contains("image/" + id);
    }

    @Test
    void membersCannotEditTheCatalogueAndTheRefusalIsAudited() {
        String id = "test-" + newSlug("img");
        expectProblem(send("alice", HttpMethod.POST, "/api/v1/images", Map.of("id", id,
                "reference", "registry.example/x:1", "displayName", "x", "forNotebooks", true, "forJobs", true,
                "cuda", false)), HttpStatus.FORBIDDEN, null);
        get("alice", "/api/v1/images/{id}", id).expectStatus().isNotFound();
        JsonNode audit = json(get("admin", "/api/v1/audit?action=image.create&outcome=denied"), HttpStatus.OK);
        assertThat(audit.findValuesAsString("target")).contains("image/" + id);
        expectProblem(send("alice", HttpMethod.DELETE, "/api/v1/images/scipy", null), HttpStatus.FORBIDDEN, null);
        get("alice", "/api/v1/images/scipy").expectStatus().isOk();
    }

    @Test
    void badImagesAreRefusedNamingTheField() {
        expectProblem(send("admin", HttpMethod.POST, "/api/v1/images", Map.of("id", "Bad Id",
                "reference", "registry.example/x:1", "displayName", "x", "forNotebooks", true, "forJobs", true,
                "cuda", false)), HttpStatus.BAD_REQUEST, "id");
        expectProblem(send("admin", HttpMethod.POST, "/api/v1/images", Map.of("id", "no-tag",
                "reference", "registry.example/x", "displayName", "x", "forNotebooks", true, "forJobs", true,
                "cuda", false)), HttpStatus.BAD_REQUEST, "reference");
        expectProblem(send("admin", HttpMethod.POST, "/api/v1/images", Map.of("id", "scipy",
                "reference", "registry.example/other:1", "displayName", "x", "forNotebooks", true, "forJobs", true,
                "cuda", false)), HttpStatus.CONFLICT, "id");
    }

    @Test
    void onlyAdminsReadTheAuditLogAndChangeSettings() {
        get("alice", "/api/v1/audit").expectStatus().isForbidden();
        assertThat(json(get("alice", "/api/v1/settings"), HttpStatus.OK).has("allowCustomImages")).isTrue();
        expectProblem(send("alice", HttpMethod.PUT, "/api/v1/settings", Map.of("allowCustomImages", true)),
                HttpStatus.FORBIDDEN, null);
    }
}
