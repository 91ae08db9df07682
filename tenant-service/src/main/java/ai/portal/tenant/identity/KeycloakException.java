package ai.portal.tenant.identity;

/**
 * Keycloak refused or could not be asked to do something. The message names the action, Keycloak's answer and,
 * where there is one, what to change; {@link #status()} is Keycloak's HTTP status, or 0 when no answer came.
 */
public class KeycloakException extends RuntimeException {

    private final int status;

    public KeycloakException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** Keycloak's HTTP status, or 0 when it was not reached or the failure is not one answer. */
    public int status() {
        return status;
    }

    /** True when Keycloak could not be reached or answered 5xx: worth retrying as it is. */
    public boolean transientFailure() {
        return status == 0 || status >= 500;
    }
}
