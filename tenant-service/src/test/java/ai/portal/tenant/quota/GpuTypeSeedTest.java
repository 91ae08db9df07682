package ai.portal.tenant.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import ai.portal.tenant.TenantApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An installation's own GPU types (the chart's {@code catalog.gpuTypes}) join the catalogue at startup, audited as
 * the installation's, before any node of the type has joined; the ones the catalogue has are left as they are.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "portal.tenant.catalog.gpu-types[0].name=NVIDIA-L40S",
        "portal.tenant.catalog.gpu-types[0].display-name=NVIDIA L40S 48GB",
        "portal.tenant.catalog.gpu-types[0].memory-gib=48",
        "portal.tenant.catalog.gpu-types[1].name=Tesla-T4",
        "portal.tenant.catalog.gpu-types[1].display-name=Renamed by the settings",
        "portal.tenant.catalog.gpu-types[1].memory-gib=16"})
class GpuTypeSeedTest extends TenantApiTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    GpuTypeSeed seed;

    @Test
    void theInstallationsGpuTypesJoinTheCatalogueAndTheOnesItHasAreLeftAlone() {
        try {
            JsonNode l40s = awaitGpuType("NVIDIA-L40S");
            assertThat(l40s.path("displayName").asString()).isEqualTo("NVIDIA L40S 48GB");
            assertThat(l40s.path("memoryGib").asInt()).isEqualTo(48);
            assertThat(l40s.path("capacity").asInt()).isZero(); // no node has it yet: added all the same
            assertThat(gpuType("Tesla-T4").path("displayName").asString()).isEqualTo("NVIDIA T4 16GB");
            JsonNode audit = JSON.readTree(get("admin", "/api/v1/audit?action=gpu-type.add&actor=installation")
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
            assertThat(audit.findValuesAsString("target")).contains("gpu-type/NVIDIA-L40S")
                    .doesNotContain("gpu-type/Tesla-T4");

            // seeded again (another start): nothing more is added
            assertThat(seed.seed().block()).isZero();
        } finally {
            send("admin", HttpMethod.DELETE, "/api/v1/gpu-types/{name}", null, "NVIDIA-L40S").expectStatus()
                    .is2xxSuccessful();
        }
    }

    private JsonNode gpuType(String name) {
        JsonNode types = JSON.readTree(get("alice", "/api/v1/gpu-types").expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        for (JsonNode type : types) {
            if (name.equals(type.path("name").asString())) {
                return type;
            }
        }
        return null;
    }

    /** Seeding runs once the service is ready, beside the first requests. */
    private JsonNode awaitGpuType(String name) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode type = gpuType(name);
        while (type == null && Instant.now().isBefore(deadline)) {
            sleep(500);
            type = gpuType(name);
        }
        assertThat(type).as("GPU type %s in the catalogue", name).isNotNull();
        return type;
    }
}
