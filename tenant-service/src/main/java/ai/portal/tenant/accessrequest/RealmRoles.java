package ai.portal.tenant.accessrequest;

import java.util.List;

import ai.portal.tenant.identity.KeycloakAdmin;
import ai.portal.tenant.identity.KeycloakException;
import org.keycloak.representations.idm.RoleRepresentation;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Gives a user a realm role in Keycloak. The role is looked up among those the user could still be given (what
 * the {@code manage-users} role of tenant-service's admin client may read), so a user who already has it is left
 * as they are: granting twice is harmless, which lets an approval that failed half-way be repeated.
 */
@Component
class RealmRoles {

    private final KeycloakAdmin admin;

    RealmRoles(KeycloakAdmin admin) {
        this.admin = admin;
    }

    Mono<Void> grant(String subject, String role) {
        return admin.run("give " + subject + " the realm role " + role, realm -> {
            var user = realm.users().get(subject);
            List<RoleRepresentation> available = user.roles().realmLevel().listAvailable();
            var missing = available.stream().filter(candidate -> role.equals(candidate.getName())).findFirst();
            if (missing.isPresent()) {
                user.roles().realmLevel().add(List.of(missing.get()));
            } else if (user.roles().realmLevel().listEffective().stream()
                    .noneMatch(held -> role.equals(held.getName()))) {
                throw new KeycloakException(404, "Keycloak has no realm role " + role + " to give", null);
            }
            return null;
        }).then();
    }
}
