package ai.portal.ui.components;

import ai.portal.ui.backend.BackendException;
import com.vaadin.flow.component.Component;

/**
 * A backend failure in words for the person at the screen, in their language: the problem detail's own title and
 * detail where the backend sent one (RFC 9457), otherwise what the status means. Never a stack trace.
 */
public final class Problems {

    private Problems() {
    }

    /** "Could not {what}: {why}" where {@code whatKey} names the action in the bundles. */
    public static String message(Component where, String whatKey, BackendException failure) {
        return where.getTranslation("problem.could-not", where.getTranslation(whatKey), reason(where, failure));
    }

    public static String reason(Component where, BackendException failure) {
        String service = where.getTranslation("backend." + failure.backend().name().toLowerCase());
        if (failure.unreachable()) {
            return where.getTranslation("problem.unreachable", service);
        }
        if (failure.status() == 401) {
            return where.getTranslation("problem.signed-out");
        }
        if (failure.notFoundOrForbidden() && failure.detail() == null) {
            return where.getTranslation("problem.not-found-or-forbidden");
        }
        if (failure.detail() != null && failure.title() != null) {
            return failure.title() + " — " + failure.detail();
        }
        if (failure.detail() != null) {
            return failure.detail();
        }
        if (failure.title() != null) {
            return failure.title();
        }
        return where.getTranslation("problem.status", service, failure.status());
    }
}
