package ai.portal.tenant.identity;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Keycloak trouble is not the caller's fault and must never read as "no such user": 503 when Keycloak could not be
 * reached or may recover, 502 when it answered with an error.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class KeycloakProblems {

    @ExceptionHandler(KeycloakException.class)
    ProblemDetail keycloakFailed(KeycloakException failure) {
        HttpStatus status = failure.transientFailure() ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, failure.getMessage());
        problem.setTitle("Identity provider unavailable");
        return problem;
    }
}
