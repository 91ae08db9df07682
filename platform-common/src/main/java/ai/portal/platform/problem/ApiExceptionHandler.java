package ai.portal.platform.problem;

import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import ai.portal.platform.input.StrictJsonStrings.UnacceptableString;
import ai.portal.platform.web.RequestIds;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Maps every exception a controller lets out to a problem detail. Spring's own exceptions (bad body, unsupported
 * media type, {@link ApiException} ...) are handled by the superclass; input the caller got wrong is a 400 that names
 * the field at fault (binding, type conversion, Bean Validation on bodies and on parameters, unreadable JSON, values
 * the database refuses, requests the security firewall refuses); method-security denials become 403; anything else
 * becomes a 500 that hides internals but carries the request id to find the log line. No detail carries an
 * exception's own message: those are written for developers (Java types, SQL) and can echo the input.
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

    /** Bean Validation on a {@code @Validated} bean's method parameters (e.g. {@code @Max(500) int size}). */
    @ExceptionHandler(ConstraintViolationException.class)
    Mono<ResponseEntity<Object>> constraintViolated(ConstraintViolationException invalid, ServerWebExchange exchange) {
        List<FieldProblem> errors = invalid.getConstraintViolations().stream()
                .map(violation -> new FieldProblem(lastName(violation.getPropertyPath()), violation.getMessage()))
                .sorted(Comparator.comparing(FieldProblem::field))
                .toList();
        return invalid(errors, new HttpHeaders(), exchange);
    }

    /** Spring Security's firewall refused a header, parameter or path it considers unsafe. */
    @ExceptionHandler(ServerExchangeRejectedException.class)
    Mono<ResponseEntity<Object>> rejected(ServerExchangeRejectedException rejected, ServerWebExchange exchange) {
        return createResponseEntity(problem(HttpStatus.BAD_REQUEST, "Malformed request",
                "The request has a header, parameter or path with characters this API does not accept."),
                new HttpHeaders(), HttpStatus.BAD_REQUEST, exchange);
    }

    /**
     * A body (or form data bound into query parameters) that cannot be decoded at all, e.g. {@code Content-Type:
     * multipart/form-data} without a boundary: the caller's fault, refused before anything is read.
     */
    @ExceptionHandler(DecodingException.class)
    Mono<ResponseEntity<Object>> undecodable(DecodingException undecodable, ServerWebExchange exchange) {
        return createResponseEntity(problem(HttpStatus.BAD_REQUEST, "Malformed request body",
                "The request's body or content type cannot be read: " + undecodable.getMessage()),
                new HttpHeaders(), HttpStatus.BAD_REQUEST, exchange);
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Object>> unexpected(Exception failure, ServerWebExchange exchange) {
        Optional<ProblemDetail> refusedByStore = StoreRejections.problemFor(failure);
        if (refusedByStore.isPresent()) {
            ProblemDetail problem = refusedByStore.get();
            log.warn("The database refused a value of {} {} ({})", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), problem.getDetail(), failure);
            return createResponseEntity(problem, new HttpHeaders(), HttpStatus.valueOf(problem.getStatus()), exchange);
        }
        log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), failure);
        return createResponseEntity(problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "The request failed on the server. Quote the request id when reporting it."),
                new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, exchange);
    }

    /** Bean Validation failures of a body: 400 naming every field at fault, so a form can mark them. */
    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException invalid,
                                                                         HttpHeaders headers, HttpStatusCode status,
                                                                         ServerWebExchange exchange) {
        List<FieldProblem> errors = invalid.getFieldErrors().stream()
                .map(error -> new FieldProblem(error.getField(),
                        error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage()))
                .toList();
        return invalid(errors, headers, exchange);
    }

    /** Bean Validation of handler parameters ({@code @Max(500) @RequestParam int size}) without {@code @Validated}. */
    @Override
    protected Mono<ResponseEntity<Object>> handleHandlerMethodValidationException(
            HandlerMethodValidationException invalid, HttpHeaders headers, HttpStatusCode status,
            ServerWebExchange exchange) {
        List<FieldProblem> errors = invalid.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream().map(error -> new FieldProblem(
                        parameterName(result.getMethodParameter()),
                        error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage())))
                .toList();
        return invalid(errors, headers, exchange);
    }

    /** Unreadable bodies and parameters that do not convert: say which field and what was expected. */
    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException invalid,
                                                                        HttpHeaders headers, HttpStatusCode status,
                                                                        ServerWebExchange exchange) {
        JacksonException json = causeOf(invalid, JacksonException.class);
        if (json != null) {
            return invalid(List.of(bodyProblem(json)), headers, exchange);
        }
        TypeMismatchException mismatch = causeOf(invalid, TypeMismatchException.class);
        if (mismatch != null && invalid.getMethodParameter() != null) {
            return invalid(List.of(new FieldProblem(parameterName(invalid.getMethodParameter()),
                    "must be " + expected(mismatch.getRequiredType()))), headers, exchange);
        }
        return super.handleServerWebInputException(invalid, headers, status, exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
                                                               ServerWebExchange exchange) {
        if (body instanceof ProblemDetail problem) {
            RequestIds.of(exchange).ifPresent(id -> problem.setProperty("requestId", id));
            if (problem.getInstance() == null) {
                problem.setInstance(ProblemResponses.instanceOf(exchange));
            }
        }
        return super.createResponseEntity(body, headers, status, exchange);
    }

    /** One field at fault, as the API reports it: {@code field} is a JSON path into the body or a parameter name. */
    private record FieldProblem(String field, String message) {
    }

    private Mono<ResponseEntity<Object>> invalid(List<FieldProblem> errors, HttpHeaders headers,
                                                 ServerWebExchange exchange) {
        String detail = errors.stream()
                .map(error -> error.field().isEmpty() ? error.message() : error.field() + " " + error.message())
                .collect(Collectors.joining("; "));
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request",
                detail.isEmpty() ? "The request is invalid." : detail);
        List<FieldProblem> named = errors.stream().filter(error -> !error.field().isEmpty()).toList();
        if (!named.isEmpty()) {
            problem.setProperty("field", named.getFirst().field());
            problem.setProperty("errors", named.stream()
                    .map(error -> Map.of("field", error.field(), "message", error.message())).toList());
        }
        return createResponseEntity(problem, headers, HttpStatus.BAD_REQUEST, exchange);
    }

    private static FieldProblem bodyProblem(JacksonException json) {
        String field = json instanceof DatabindException ? jsonPath(json) : "";
        if (json instanceof UnacceptableString unacceptable) {
            return new FieldProblem(field, unacceptable.reason());
        }
        if (json instanceof StreamReadException && !(json instanceof DatabindException)) {
            var at = json.getLocation();
            return new FieldProblem("", "The request body is not well-formed JSON"
                    + (at == null || at.getLineNr() < 0 ? "." : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")."));
        }
        if (json instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            return new FieldProblem(field, field.isEmpty()
                    ? "The request body must be " + expected(mismatched.getTargetType()) + "."
                    : "must be " + expected(mismatched.getTargetType()));
        }
        return new FieldProblem(field, field.isEmpty() ? "The request body does not have the expected shape." : "is invalid");
    }

    private static String jsonPath(JacksonException json) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : json.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** What a value of {@code type} looks like, in the caller's terms rather than Java's. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        Class<?> boxed = type.isPrimitive() ? org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(type) : type;
        if (boxed == Integer.class || boxed == Long.class || boxed == Short.class || boxed == Byte.class
                || boxed == java.math.BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(boxed)) {
            return "a number";
        }
        if (boxed == Boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(boxed) || boxed == Character.class) {
            return "a string";
        }
        if (Temporal.class.isAssignableFrom(boxed)) {
            return "an ISO-8601 time such as 2026-01-02T03:04:05Z";
        }
        if (boxed.isEnum()) {
            return "one of " + java.util.Arrays.stream(boxed.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        if (boxed.isArray() || Collection.class.isAssignableFrom(boxed)) {
            return "an array";
        }
        return "an object";
    }

    private static String parameterName(MethodParameter parameter) {
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        if (param != null && !(param.name() + param.value()).isEmpty()) {
            return param.name().isEmpty() ? param.value() : param.name();
        }
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        if (path != null && !(path.name() + path.value()).isEmpty()) {
            return path.name().isEmpty() ? path.value() : path.name();
        }
        String name = parameter.getParameterName();
        return name == null ? "" : name;
    }

    private static String lastName(Path path) {
        String name = "";
        for (Path.Node node : path) {
            if (node.getName() != null && node.getKind() != jakarta.validation.ElementKind.METHOD) {
                name = node.getName();
            }
        }
        return name;
    }

    private static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
