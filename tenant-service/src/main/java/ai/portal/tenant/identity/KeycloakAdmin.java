package ai.portal.tenant.identity;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The one door to Keycloak's admin API. keycloak-admin-client is blocking, so {@link #run} is the only place that
 * moves work onto {@code boundedElastic}; {@link #call} and {@link #find} are the only places that turn the
 * client's exceptions into {@link KeycloakException}s whose message says what was attempted and what Keycloak
 * answered.
 */
public final class KeycloakAdmin {

    private static final int MAX_BODY = 300;

    private final Keycloak keycloak;
    private final IdentityProperties properties;

    public KeycloakAdmin(Keycloak keycloak, IdentityProperties properties) {
        this.keycloak = keycloak;
        this.properties = properties;
    }

    public IdentityProperties properties() {
        return properties;
    }

    /**
     * Runs blocking work against the realm off the event loop. A null result completes empty. Exceptions the work
     * did not translate itself (a bug, or a call not wrapped in {@link #call}) still arrive as
     * {@link KeycloakException}.
     */
    public <T> Mono<T> run(String action, Function<RealmResource, T> work) {
        Callable<T> callable = () -> call(action, () -> work.apply(keycloak.realm(properties.realm())));
        return Mono.fromCallable(callable).subscribeOn(Schedulers.boundedElastic());
    }

    /** One admin call; any failure becomes a {@link KeycloakException} naming {@code action}. */
    public <T> T call(String action, Supplier<T> call) {
        try {
            return call.get();
        } catch (KeycloakException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(action, e);
        }
    }

    public void call(String action, Runnable call) {
        call(action, () -> {
            call.run();
            return null;
        });
    }

    /** One admin call for which Keycloak's 404 means "there is none". */
    public <T> Optional<T> find(String action, Supplier<T> call) {
        try {
            return Optional.ofNullable(call(action, call));
        } catch (KeycloakException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A Keycloak answer that the client handed back as a raw {@link Response} (creations): fails unless 2xx. */
    public KeycloakException refused(String action, Response response) {
        return new KeycloakException(response.getStatus(), "Keycloak refused to " + action + ": "
                + describe(response) + hint(response.getStatus()), null);
    }

    KeycloakException translate(String action, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WebApplicationException wae && wae.getResponse() != null) {
                int status = wae.getResponse().getStatus();
                return new KeycloakException(status, "Keycloak refused to " + action + ": "
                        + describe(wae.getResponse()) + hint(status), e);
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String why = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        if (e instanceof ProcessingException) {
            return new KeycloakException(0, "Keycloak at " + properties.serverUrl() + " could not be reached to "
                    + action + ": " + why, e);
        }
        return new KeycloakException(0, "Failed to " + action + " in Keycloak at " + properties.serverUrl() + ": "
                + why, e);
    }

    private String hint(int status) {
        return switch (status) {
            case 401 -> " (check portal.identity.client-id and portal.identity.client-secret, i.e. "
                    + "TENANT_ADMIN_CLIENT_SECRET, against client " + properties.clientId() + " of realm "
                    + properties.realm() + ")";
            case 403 -> " (the service account of client " + properties.clientId()
                    + " needs the realm-management role manage-users)";
            default -> "";
        };
    }

    private static String describe(Response response) {
        StringBuilder text = new StringBuilder().append(response.getStatus());
        if (response.getStatusInfo() != null && response.getStatusInfo().getReasonPhrase() != null) {
            text.append(' ').append(response.getStatusInfo().getReasonPhrase());
        }
        String body = body(response);
        if (!body.isBlank()) {
            text.append(" ").append(body.length() > MAX_BODY ? body.substring(0, MAX_BODY) + "..." : body);
        }
        return text.toString();
    }

    private static String body(Response response) {
        try {
            if (response.hasEntity()) {
                String body = response.readEntity(String.class);
                return body == null ? "" : body.strip();
            }
        } catch (RuntimeException ignored) {
            // the client may have consumed or sanitised the entity: the status alone must do
        }
        return "";
    }
}
