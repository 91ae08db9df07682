package ai.portal.platform.problem;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/** Problem details for security failures and for exceptions thrown by controllers. */
@AutoConfiguration
@Import(ApiExceptionHandler.class)
public class ProblemAutoConfiguration {

    @Bean
    ProblemResponses problemResponses(JsonMapper json) {
        return new ProblemResponses(json);
    }
}
