package ai.portal.platform.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Documents the errors every operation of {@code /api/**} can answer, as RFC 9457 problem details
 * ({@code application/problem+json}, schema {@code Problem}), so a client generated from the description knows them:
 * 400 (malformed or invalid input), 401 (no valid token), 403 (not allowed), 404 (for paths naming a resource),
 * 409 (for changes that conflict with the current state) and 500. A response an operation documents itself is kept.
 */
public class ProblemResponsesCustomizer implements OpenApiCustomizer {

    static final String PROBLEM = "Problem";
    private static final String PROBLEM_JSON = "application/problem+json";

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        openApi.getComponents().addSchemas(PROBLEM, problemSchema());
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.readOperationsMap().forEach((method, operation) -> document(path, method, operation));
            }
        });
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation) {
        Map<String, String> errors = new LinkedHashMap<>();
        errors.put("400", "The request is malformed or invalid; `field` and `errors` name what is wrong");
        errors.put("401", "No valid access token of the portal's identity provider");
        errors.put("403", "The caller's roles or team membership do not allow this");
        if (path.contains("{")) {
            errors.put("404", "No such resource, or the caller may not know it exists");
        }
        if (List.of(PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT, PathItem.HttpMethod.PATCH,
                PathItem.HttpMethod.DELETE).contains(method)) {
            errors.put("409", "The change conflicts with the current state");
        }
        errors.put("500", "The server failed; quote `requestId` when reporting it");
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        errors.forEach((status, description) -> {
            ApiResponse documented = operation.getResponses().get(status);
            if (documented == null) {
                operation.getResponses().addApiResponse(status, problemResponse(description));
            } else if (documented.getContent() == null || documented.getContent().isEmpty()) {
                documented.setContent(problemContent());
            }
        });
    }

    private static ApiResponse problemResponse(String description) {
        return new ApiResponse().description(description).content(problemContent());
    }

    private static Content problemContent() {
        return new Content().addMediaType(PROBLEM_JSON,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)));
    }

    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        Schema<Object> fieldError = new ObjectSchema()
                .addProperty("field", new StringSchema())
                .addProperty("message", new StringSchema());
        return new ObjectSchema()
                .description("An RFC 9457 problem detail")
                .addProperty("type", new StringSchema().description("A URI naming the kind of problem").example("about:blank"))
                .addProperty("title", new StringSchema().example("Invalid request"))
                .addProperty("status", new IntegerSchema().example(400))
                .addProperty("detail", new StringSchema().description("What went wrong, for the person using the client"))
                .addProperty("instance", new StringSchema().description("The request's path"))
                .addProperty("requestId", new StringSchema().description("The X-Request-Id of the request"))
                .addProperty("field", new StringSchema().description("The first input at fault, when one is"))
                .addProperty("errors", new ArraySchema().items(fieldError).description("Every input at fault"))
                .required(List.of("title", "status"));
    }
}
