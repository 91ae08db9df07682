package ai.portal.tenant.identity;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import ai.portal.testing.TestStack;
import jakarta.ws.rs.NotFoundException;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * The real Keycloak of the test stack, reached as tenant-service reaches it, plus the direct admin calls a test
 * uses to look at (and tamper with) what the sync made.
 */
public final class KeycloakFixture {

    static final IdentityProperties PROPERTIES = properties(TestStack.get().value("TENANT_ADMIN_CLIENT_SECRET"));
    static final Keycloak KEYCLOAK = IdentityConfiguration.newKeycloak(PROPERTIES);
    static final KeycloakAdmin ADMIN = new KeycloakAdmin(KEYCLOAK, PROPERTIES);
    /** The installation id of this run's syncs: groups of other runs and installations are not theirs. */
    static final String INSTANCE = "idtest-" + UUID.randomUUID().toString().substring(0, 6);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(KEYCLOAK::close));
    }

    static IdentityProperties properties(String secret) {
        return properties(TestStack.get().keycloakUrl(), secret);
    }

    static IdentityProperties properties(String url, String secret) {
        return new IdentityProperties(url, "portal", "tenant-service-admin", secret, "teams",
                Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    public static RealmResource realm() {
        return KEYCLOAK.realm("portal");
    }

    static String uniqueSlug() {
        return "idtest-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Optional<GroupRepresentation> group(String name) {
        try {
            return Optional.of(realm().getGroupByPath("/teams/" + name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    public static Set<String> memberUsernames(String groupName) {
        GroupRepresentation group = group(groupName).orElseThrow(() -> new AssertionError("no group " + groupName));
        List<UserRepresentation> members = realm().groups().group(group.getId()).members(0, 1000, true);
        return members.stream().map(UserRepresentation::getUsername).collect(Collectors.toSet());
    }

    static String subjectOf(String username) {
        return realm().users().searchByUsername(username, true).getFirst().getId();
    }

    private KeycloakFixture() {
    }
}
