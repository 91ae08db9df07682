package ai.portal.ui.backend;

/** A backend call failed; the message is written for the person looking at the screen. */
public class BackendException extends RuntimeException {

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
