package ai.portal.logs.query;

import ai.portal.platform.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The failures a caller of the log API can act on. */
final class LogQueryExceptions {

    /** A filter the API does not accept. */
    static final class InvalidFilter extends ApiException {
        InvalidFilter(String field, String detail) {
            super(HttpStatus.BAD_REQUEST, "Invalid log query", detail);
            withField(field);
        }
    }

    /** OpenSearch could not answer a search. */
    static final class SearchUnavailable extends ApiException {
        SearchUnavailable() {
            super(HttpStatus.SERVICE_UNAVAILABLE, "Log search unavailable",
                    "The log store does not answer right now; the live tail still works from the cluster.");
        }
    }

    /** The caller holds as many open live tails as allowed. */
    static final class TooManyStreams extends ApiException {
        TooManyStreams(int limit) {
            super(HttpStatus.TOO_MANY_REQUESTS, "Too many open log streams",
                    "You have " + limit + " live log streams open already; close one (e.g. another browser tab) "
                            + "and try again.");
        }
    }

    private LogQueryExceptions() {
    }
}
