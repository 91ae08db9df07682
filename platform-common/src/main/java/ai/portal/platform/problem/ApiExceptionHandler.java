package ai.portal.platform.problem;

import ai.portal.platform.web.RequestIds;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Maps every exception a controller lets out to a problem detail. Spring's own exceptions (validation, bad body,
 * unsupported media type, {@link ApiException} ...) are handled by the superclass; method-security denials become
 * 403; anything else becomes a 500 that hides internals but carries the request id to find the log line.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(AccessDeniedException.class)
    Mono<ResponseEntity<Object>> denied(AccessDeniedException denied, ServerWebExchange exchange) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, denied.getMessage());
        problem.setTitle("Access denied");
        return createResponseEntity(problem, new HttpHeaders(), HttpStatus.FORBIDDEN, exchange);
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Object>> unexpected(Exception failure, ServerWebExchange exchange) {
        log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), failure);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The request failed on the server. Quote the request id when reporting it.");
        problem.setTitle("Internal error");
        return createResponseEntity(problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, exchange);
    }

    /** Bean Validation failures: 400 naming every field at fault, so a form can mark them. */
    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException invalid,
                                                                         HttpHeaders headers, HttpStatusCode status,
                                                                         ServerWebExchange exchange) {
        List<Map<String, String>> errors = invalid.getFieldErrors().stream()
                .map(error -> Map.of("field", error.getField(),
                        "message", error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage()))
                .toList();
        String detail = errors.stream().map(error -> error.get("field") + " " + error.get("message"))
                .collect(Collectors.joining("; "));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                detail.isEmpty() ? "The request is invalid." : detail);
        problem.setTitle("Invalid request");
        if (!errors.isEmpty()) {
            problem.setProperty("field", errors.getFirst().get("field"));
            problem.setProperty("errors", errors);
        }
        return createResponseEntity(problem, headers, HttpStatus.BAD_REQUEST, exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
                                                               ServerWebExchange exchange) {
        if (body instanceof ProblemDetail problem) {
            RequestIds.of(exchange).ifPresent(id -> problem.setProperty("requestId", id));
            if (problem.getInstance() == null) {
                problem.setInstance(exchange.getRequest().getURI().resolve(exchange.getRequest().getPath().value()));
            }
        }
        return super.createResponseEntity(body, headers, status, exchange);
    }
}
