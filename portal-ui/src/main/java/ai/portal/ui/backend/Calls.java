package ai.portal.ui.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.http.ProblemDetail;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/** The one place where an HTTP failure of any backend becomes a {@link BackendException}. */
final class Calls {

    private Calls() {
    }

    static <T> T call(Backend backend, Supplier<T> request) {
        try {
            return request.get();
        } catch (RestClientResponseException failure) {
            throw fromResponse(backend, failure);
        } catch (RestClientException failure) {
            throw BackendException.unreachable(backend, failure);
        }
    }

    static void run(Backend backend, Runnable request) {
        call(backend, () -> {
            request.run();
            return null;
        });
    }

    static BackendException fromResponse(Backend backend, RestClientResponseException failure) {
        ProblemDetail problem = null;
        try {
            problem = failure.getResponseBodyAs(ProblemDetail.class);
        } catch (RuntimeException notAProblem) {
            // a proxy's HTML error page or an empty body: the status alone will have to do
        }
        String title = problem == null ? null : problem.getTitle();
        String detail = problem == null ? null : problem.getDetail();
        return new BackendException(backend, failure.getStatusCode().value(), title, detail, fieldErrors(problem),
                failure);
    }

    private static List<BackendException.FieldError> fieldErrors(ProblemDetail problem) {
        List<BackendException.FieldError> errors = new ArrayList<>();
        if (problem == null || problem.getProperties() == null) {
            return errors;
        }
        if (problem.getProperties().get("errors") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> map && map.get("field") != null) {
                    errors.add(new BackendException.FieldError(String.valueOf(map.get("field")),
                            map.get("message") == null ? null : String.valueOf(map.get("message"))));
                }
            }
        } else if (problem.getProperties().get("field") instanceof String field) {
            errors.add(new BackendException.FieldError(field, problem.getDetail()));
        }
        return errors;
    }
}
