package ai.portal.jobs.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.portal.jobs.JobRunnerTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * An installation's own images (the chart's {@code catalog.images}) join the catalogue at startup, audited, and an
 * admin's later change to one of them survives the next start. An entry naming a reference the catalogue already
 * has under another id adds nothing.
 */
@TestPropertySource(properties = {
        "portal.jobs.catalog.images[0].id=site-pytorch",
        "portal.jobs.catalog.images[0].reference=registry.example/site/pytorch:2.9-cuda12",
        "portal.jobs.catalog.images[0].display-name=Site PyTorch",
        "portal.jobs.catalog.images[0].for-notebooks=true",
        "portal.jobs.catalog.images[0].for-jobs=true",
        "portal.jobs.catalog.images[0].cuda=true",
        "portal.jobs.catalog.images[1].id=scipy-again",
        "portal.jobs.catalog.images[1].reference=quay.io/jupyter/scipy-notebook:2025-11-10",
        "portal.jobs.catalog.images[1].display-name=SciPy under another id",
        "portal.jobs.catalog.images[1].for-notebooks=true",
        "portal.jobs.catalog.images[1].for-jobs=false",
        "portal.jobs.catalog.images[1].cuda=false"})
class CatalogSeedTest extends JobRunnerTestSupport {

    @Autowired
    CatalogSeed seed;

    @Test
    void theInstallationsImagesJoinTheCatalogueOnceAndAdminsKeepTheirChanges() {
        JsonNode site = awaitImage("site-pytorch");
        assertThat(site.path("reference").asString()).isEqualTo("registry.example/site/pytorch:2.9-cuda12");
        assertThat(site.path("cuda").asBoolean()).isTrue();
        get("alice", "/api/v1/images/scipy-again").expectStatus().isNotFound();
        JsonNode audit = json(get("admin", "/api/v1/audit?action=image.create&actor=installation"), HttpStatus.OK);
        assertThat(audit.findValuesAsString("target")).contains("image/site-pytorch").doesNotContain("image/scipy-again");

        // an admin renames it; the next start (this replica's seeding again) leaves the admin's name
        send("admin", HttpMethod.PUT, "/api/v1/images/{id}", Map.of("id", "site-pytorch",
                "reference", "registry.example/site/pytorch:2.9-cuda12", "displayName", "PyTorch (our build)",
                "forNotebooks", true, "forJobs", true, "cuda", true), "site-pytorch").expectStatus().isOk();
        assertThat(seed.seed().block()).isZero();
        assertThat(json(get("alice", "/api/v1/images/{id}", "site-pytorch"), HttpStatus.OK).path("displayName")
                .asString()).isEqualTo("PyTorch (our build)");
    }

    /** Seeding runs once the service is ready, beside the first requests. */
    private JsonNode awaitImage(String id) {
        awaitTrue("image " + id + " in the catalogue", () -> get("alice", "/api/v1/images/{id}", id)
                .returnResult(String.class).getStatus().value() == 200);
        return json(get("alice", "/api/v1/images/{id}", id), HttpStatus.OK);
    }
}
