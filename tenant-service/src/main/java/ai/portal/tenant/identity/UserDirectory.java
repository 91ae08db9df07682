package ai.portal.tenant.identity;

import java.util.regex.Pattern;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Looks users of the portal realm up in Keycloak, so that adding a member who does not exist is refused before
 * anything is written. Disabled users are found too; the caller decides what that means.
 */
@Component
public class UserDirectory {

    /** Keycloak user ids are UUIDs, federated ones {@code f:<provider>:<id>}; nothing that could leave the path. */
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9:._-]{1,255}");

    private final KeycloakAdmin admin;

    public UserDirectory(KeycloakAdmin admin) {
        this.admin = admin;
    }

    /** The user whose username is exactly {@code username} (Keycloak keeps usernames in lower case); empty if none. */
    public Mono<KeycloakUser> findByUsername(String username) {
        if (username == null || username.isBlank()) {
            return Mono.empty();
        }
        return admin.run("look up user " + username, realm -> realm.users().searchByUsername(username, true).stream()
                .filter(user -> username.equalsIgnoreCase(user.getUsername()))
                .findFirst()
                .map(KeycloakUser::of)
                .orElse(null));
    }

    /** The user with Keycloak id (OIDC {@code sub}) {@code subject}; empty if none. */
    public Mono<KeycloakUser> findBySubject(String subject) {
        if (subject == null || !SUBJECT.matcher(subject).matches()) {
            return Mono.empty();
        }
        return admin.run("look up user " + subject, realm -> admin.find("look up user " + subject,
                        () -> realm.users().get(subject).toRepresentation())
                .map(KeycloakUser::of)
                .orElse(null));
    }
}
