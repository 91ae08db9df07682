package ai.portal.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.http.HttpMethod.PATCH;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The inputs an outside probe of the tenant API turned into 500s and 502s (issue 18), each a 400 problem detail now:
 * bad input is the caller's fault, and nothing of it is stored or sent on to Keycloak.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MalformedInputTest extends TenantApiTestSupport {

    private static final Map<String, Object> QUOTA = Map.of("cpu", "8", "memory", "32Gi", "storage", "100Gi",
            "pvcs", 5, "maxNotebooks", 2, "gpus", Map.of());

    @Value("${local.server.port}")
    int port;

    @Test
    void controlCharactersInQueryParametersAre400OnEveryKindOfEndpoint() {
        String slug = newSlug("malformed");
        createTeam(slug, "carol");
        for (String query : List.of("%C2%85=1", "status=%00", "team=%00", "x=%FF")) {
            expectProblem(raw(HttpMethod.GET, "/api/v1/quota-requests?" + query, null), HttpStatus.BAD_REQUEST, null);
            expectProblem(raw(HttpMethod.GET, "/api/v1/audit?" + query, null), HttpStatus.BAD_REQUEST, null);
            expectProblem(raw(HttpMethod.GET, "/api/v1/gpu-types?" + query, null), HttpStatus.BAD_REQUEST, null);
            expectProblem(raw(HttpMethod.PUT, "/api/v1/teams/" + slug + "/quota?" + query, QUOTA),
                    HttpStatus.BAD_REQUEST, null);
            expectProblem(raw(HttpMethod.DELETE, "/api/v1/teams/" + slug + "?" + query, null),
                    HttpStatus.BAD_REQUEST, null);
        }
        expectProblem(raw(HttpMethod.GET, "/api/v1/teams/" + slug + "%00/members", null), HttpStatus.BAD_REQUEST, null);
        get("admin", "/api/v1/teams/{slug}", slug).expectStatus().isOk()
                .expectBody().jsonPath("$.state").isEqualTo("active");
    }

    @Test
    void aNulInADisplayNameIs400NamingTheFieldAndNothingIsStored() {
        String slug = newSlug("nul");
        trackForCleanup(slug);
        expectProblem(send("admin", POST, "/api/v1/teams",
                Map.of("slug", slug, "displayName", "Bad\u0000name", "owner", "carol")), HttpStatus.BAD_REQUEST, "displayName");
        get("admin", "/api/v1/teams/{slug}", slug).expectStatus().isNotFound();

        createTeam(slug, "carol");
        expectProblem(send("admin", PATCH, "/api/v1/teams/{slug}", Map.of("displayName", "x\u0000"), slug),
                HttpStatus.BAD_REQUEST, "displayName");
        expectProblem(send("admin", PATCH, "/api/v1/teams/{slug}",
                Map.of("displayName", "ok", "description", "a\u0007b"), slug), HttpStatus.BAD_REQUEST, "description");
        get("admin", "/api/v1/teams/{slug}", slug).expectStatus().isOk()
                .expectBody().jsonPath("$.displayName").isEqualTo("Team " + slug);
    }

    @Test
    void quotaValuesTheStoreCannotHoldAre400NamingTheField() {
        String slug = newSlug("longq");
        createTeam(slug, "carol");
        // one core, written with 35 significant characters: a valid quantity, longer than any quota field holds
        expectProblem(send("admin", PUT, "/api/v1/teams/{slug}/quota",
                quota("cpu", "1.000000000000000000000000000000000"), slug), HttpStatus.BAD_REQUEST, "cpu");
        expectProblem(send("admin", PUT, "/api/v1/teams/{slug}/quota", quota("pvcs", 2.5), slug),
                HttpStatus.BAD_REQUEST, "pvcs");
        expectProblem(send("admin", PUT, "/api/v1/teams/{slug}/quota", quota("pvcs", "many"), slug),
                HttpStatus.BAD_REQUEST, "pvcs");
        expectProblem(send("carol", POST, "/api/v1/teams/{slug}/quota-requests",
                Map.of("quota", quota("memory", "1" + "0".repeat(40)), "reason", "more"), slug),
                HttpStatus.BAD_REQUEST, "quota.memory");
    }

    @Test
    void aGpuTypeWithNoMemoryIs400() {
        expectProblem(send("admin", POST, "/api/v1/gpu-types?force=true",
                Map.of("name", "Probe-GPU-" + newSlug("m").substring(2), "displayName", "Probe", "memoryGib", 0)),
                HttpStatus.BAD_REQUEST, "memoryGib");
    }

    @Test
    void auditPagingOutsideItsLimitsIs400NamingTheParameter() {
        expectProblem(get("admin", "/api/v1/audit?size=501"), HttpStatus.BAD_REQUEST, "size");
        expectProblem(get("admin", "/api/v1/audit?size=0"), HttpStatus.BAD_REQUEST, "size");
        expectProblem(get("admin", "/api/v1/audit?page=-1"), HttpStatus.BAD_REQUEST, "page");
        expectProblem(get("admin", "/api/v1/audit?size=lots"), HttpStatus.BAD_REQUEST, "size");
        get("admin", "/api/v1/audit?size=500&page=2").expectStatus().isOk();
    }

    @Test
    void aControlCharacterInAUserNameIs400AndNeverReachesKeycloak() {
        String slug = newSlug("ctluser");
        createTeam(slug, "carol");
        for (String username : List.of("a\u0000b", "a\u0085b", "bob\r\n")) {
            send("admin", POST, "/api/v1/teams/{slug}/members", Map.of("username", username, "role", "member"), slug)
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.field").isEqualTo("username")
                    .jsonPath("$.detail").value(detail -> assertThat((String) detail).doesNotContain("Keycloak"));
        }
        expectProblem(raw(HttpMethod.DELETE, "/api/v1/teams/" + slug + "/members/bo%00b", null),
                HttpStatus.BAD_REQUEST, null);
    }

    private static Map<String, Object> quota(String field, Object value) {
        var quota = new java.util.HashMap<>(QUOTA);
        quota.put(field, value);
        return quota;
    }

    /** A request with its path and query sent exactly as written (percent-escapes included) as admin. */
    private WebTestClient.ResponseSpec raw(HttpMethod method, String pathAndQuery, Object body) {
        var request = client.method(method).uri(URI.create("http://localhost:" + port + pathAndQuery))
                .headers(headers -> headers.setBearerAuth(token("admin")));
        return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
