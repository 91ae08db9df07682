package ai.portal.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import ai.portal.testing.Tokens;
import org.junit.jupiter.api.Test;

/** {@link UserDirectory} against the real Keycloak of the test stack. */
class UserDirectoryTest {

    private final UserDirectory users = new UserDirectory(KeycloakFixture.ADMIN);

    @Test
    void findsAliceByUsernameWithTheSubjectOfHerTokens() {
        String sub = Tokens.claims(Tokens.fromTestStack().userToken("alice")).path("sub").asString();

        KeycloakUser alice = users.findByUsername("alice").block();

        assertThat(alice).isEqualTo(new KeycloakUser(sub, "alice", "Alice Anders", "alice@example.com"));
    }

    @Test
    void findsNobodyForAUsernameThatDoesNotExist() {
        assertThat(users.findByUsername("no-such-user-" + System.nanoTime()).blockOptional()).isEmpty();
    }

    @Test
    void findsNobodyForAPrefixOfAnExistingUsername() {
        assertThat(users.findByUsername("ali").blockOptional()).isEmpty();
    }

    @Test
    void findsAUserBySubject() {
        String subject = KeycloakFixture.subjectOf("bob");

        assertThat(users.findBySubject(subject).block())
                .isEqualTo(new KeycloakUser(subject, "bob", "Bob Brown", "bob@example.com"));
    }

    @Test
    void findsNobodyForASubjectThatDoesNotExist() {
        assertThat(users.findBySubject(java.util.UUID.randomUUID().toString()).blockOptional()).isEmpty();
        assertThat(users.findBySubject("../../users").blockOptional()).isEmpty();
    }
}
