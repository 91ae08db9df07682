package ai.portal.platform.input;

import ai.portal.platform.problem.ProblemAutoConfiguration;
import ai.portal.platform.problem.ProblemResponses;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Bad input is the caller's fault and gets a 400, by one mechanism for every backend: URLs are checked by
 * {@link MalformedRequestFilter} before anything else reads them, request bodies by {@link StrictJsonStrings} as
 * Jackson reads them, and what Spring's binding and validation refuse (and what the database refuses as a value)
 * is mapped to 400 by {@code ApiExceptionHandler}.
 */
@AutoConfiguration(after = ProblemAutoConfiguration.class)
public class InputAutoConfiguration {

    @Bean
    MalformedRequestFilter malformedRequestFilter(ProblemResponses problems) {
        return new MalformedRequestFilter(problems);
    }

    /** Registered with the application's JsonMapper (Spring Boot adds every JacksonModule bean), so codecs use it. */
    @Bean
    StrictJsonStrings strictJsonStrings() {
        return new StrictJsonStrings();
    }
}
