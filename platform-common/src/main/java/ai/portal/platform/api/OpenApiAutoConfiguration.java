package ai.portal.platform.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * One OpenAPI description per service, at {@code /v3/api-docs}, declaring the bearer-token scheme and the problem
 * details every operation can answer with.
 */
@AutoConfiguration
public class OpenApiAutoConfiguration {

    private static final String BEARER = "keycloak-bearer";

    @Bean
    OpenAPI portalOpenApi(@Value("${spring.application.name}") String service,
                          @Value("${portal.api.description:AI Portal API}") String description) {
        return new OpenAPI()
                .info(new Info().title("AI Portal · " + service).version("v1").description(description))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                        .description("An access token from the portal realm of Keycloak")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    @Bean
    ProblemResponsesCustomizer problemResponsesCustomizer() {
        return new ProblemResponsesCustomizer();
    }
}
