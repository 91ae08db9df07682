package ai.portal.platform.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.junit.jupiter.api.Test;

class ProblemResponsesCustomizerTest {

    @Test
    void everyApiOperationDocumentsItsProblemResponsesAndKeepsItsOwn() {
        Operation list = new Operation().responses(new ApiResponses().addApiResponse("200", new ApiResponse()));
        Operation delete = new Operation().responses(new ApiResponses()
                .addApiResponse("409", new ApiResponse().description("Pods still run; force=true stops them")));
        OpenAPI api = new OpenAPI().paths(new Paths()
                .addPathItem("/api/v1/teams", new PathItem().get(list))
                .addPathItem("/api/v1/teams/{slug}", new PathItem().delete(delete))
                .addPathItem("/v3/api-docs", new PathItem().get(new Operation().responses(new ApiResponses()))));

        new ProblemResponsesCustomizer().customise(api);

        assertThat(list.getResponses()).containsKeys("200", "400", "401", "403", "500").doesNotContainKeys("404", "409");
        assertThat(delete.getResponses()).containsKeys("400", "401", "403", "404", "409", "500");
        assertThat(delete.getResponses().get("409").getDescription()).isEqualTo("Pods still run; force=true stops them");
        assertThat(delete.getResponses().get("409").getContent()).containsKey("application/problem+json");
        MediaType problem = list.getResponses().get("400").getContent().get("application/problem+json");
        assertThat(problem.getSchema().get$ref()).isEqualTo("#/components/schemas/Problem");
        assertThat(api.getComponents().getSchemas().get("Problem").getProperties())
                .containsKeys("title", "status", "detail", "instance", "requestId", "field", "errors");
        assertThat(api.getPaths().get("/v3/api-docs").getGet().getResponses()).isEmpty();
    }
}
