package ai.portal.ui.backend;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/** tenant-service, as the UI uses it. */
public class TenantClient {

    private final RestClient rest;

    TenantClient(RestClient rest) {
        this.rest = rest;
    }

    public Me me() {
        return call("load your profile", () -> rest.get().uri("/api/v1/me").retrieve().body(Me.class));
    }

    private static <T> T call(String what, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (RestClientResponseException failure) {
            throw new BackendException("Could not " + what + ": " + explain(failure), failure);
        } catch (RestClientException failure) {
            throw new BackendException("Could not " + what + ": the tenant service is not reachable right now.",
                    failure);
        }
    }

    /** The problem detail's own words where the backend sent one. */
    private static String explain(RestClientResponseException failure) {
        ProblemDetail problem = failure.getResponseBodyAs(ProblemDetail.class);
        if (problem != null && problem.getDetail() != null) {
            return problem.getDetail();
        }
        HttpStatusCode status = failure.getStatusCode();
        return "the tenant service answered " + status.value() + ".";
    }
}
