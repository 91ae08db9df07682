package ai.portal.platform.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A failure the caller can act on. Each service declares its own subclasses (team not found, quota exceeded, ...);
 * {@link ApiExceptionHandler} turns them into problem details, with {@code field} set when one input is at fault.
 */
public class ApiException extends ErrorResponseException {

    public ApiException(HttpStatus status, String title, String detail) {
        super(status, problem(status, title, detail), null);
    }

    public ApiException withField(String field) {
        getBody().setProperty("field", field);
        return this;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
