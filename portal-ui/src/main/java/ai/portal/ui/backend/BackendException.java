package ai.portal.ui.backend;

import java.util.List;

/**
 * A backend call failed. Carries what the person at the screen needs and nothing else: which service, the HTTP
 * status (0 when the service could not be reached at all), and the problem detail's title, detail and field errors
 * (RFC 9457) where the backend sent one. The UI turns it into words in the user's language.
 */
public class BackendException extends RuntimeException {

    /** One field a form can mark, from the problem detail's {@code errors}. */
    public record FieldError(String field, String message) {
    }

    private final Backend backend;
    private final int status;
    private final String title;
    private final String detail;
    private final List<FieldError> fieldErrors;

    public BackendException(Backend backend, int status, String title, String detail, List<FieldError> fieldErrors,
                            Throwable cause) {
        super(backend.name() + " " + status + ": " + (detail != null ? detail : title), cause);
        this.backend = backend;
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.fieldErrors = fieldErrors == null ? List.of() : List.copyOf(fieldErrors);
    }

    public static BackendException unreachable(Backend backend, Throwable cause) {
        return new BackendException(backend, 0, null, null, List.of(), cause);
    }

    public Backend backend() {
        return backend;
    }

    /** The HTTP status; 0 when the service did not answer. */
    public int status() {
        return status;
    }

    /** The problem detail's title, or null. */
    public String title() {
        return title;
    }

    /** The problem detail's detail, or null. */
    public String detail() {
        return detail;
    }

    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }

    public boolean unreachable() {
        return status == 0 || status == 502 || status == 503 || status == 504;
    }

    /** Not found, or not the caller's to see: the UI answers both the same way, so nothing leaks. */
    public boolean notFoundOrForbidden() {
        return status == 403 || status == 404;
    }

    public boolean conflict() {
        return status == 409;
    }
}
