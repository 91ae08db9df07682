package ai.portal.tenant.identity;

import ai.portal.platform.web.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;

/**
 * Keycloak trouble is not the caller's fault and must never read as "no such user": 503 when Keycloak could not be
 * reached or may recover, 502 when it answered with an error. Keycloak's own answer (and the hints about this
 * service's client configuration) go to the log, under the request id the problem carries: they are for operators,
 * and Keycloak's text can echo the caller's input.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class KeycloakProblems {

    private static final Logger log = LoggerFactory.getLogger(KeycloakProblems.class);

    @ExceptionHandler(KeycloakException.class)
    ProblemDetail keycloakFailed(KeycloakException failure, ServerWebExchange exchange) {
        HttpStatus status = failure.transientFailure() ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
        String requestId = RequestIds.of(exchange).orElse("");
        log.warn("Identity provider failure on {} {} (request {}): {}", exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(), requestId, failure.getMessage(), failure);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, failure.transientFailure()
                ? "The identity provider could not be reached; try again shortly."
                : "The identity provider refused the portal's request. Quote the request id when reporting it.");
        problem.setTitle("Identity provider unavailable");
        if (!requestId.isEmpty()) {
            problem.setProperty("requestId", requestId);
        }
        return problem;
    }
}
