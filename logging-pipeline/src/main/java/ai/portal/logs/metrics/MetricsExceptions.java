package ai.portal.logs.metrics;

import ai.portal.platform.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The failures of the metrics API a caller can act on, as problem details. */
final class MetricsExceptions {

    private MetricsExceptions() {
    }

    /** Prometheus is not configured, does not answer, or answers with an error of its own: 503. */
    static ApiException unavailable(String detail) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "Metrics unavailable", detail);
    }

    /** The query would cost too much (range, points, series, or Prometheus' own limits): 422, and how to narrow it. */
    static ApiException tooHeavy(String detail) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Query too heavy", detail);
    }

    /** A parameter the API cannot read: 400 naming it. */
    static ApiException invalid(String field, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail).withField(field);
    }

    static ApiException adminOnly() {
        return new ApiException(HttpStatus.FORBIDDEN, "Not allowed",
                "Only platform admins can see the GPUs of the whole cluster.");
    }
}
