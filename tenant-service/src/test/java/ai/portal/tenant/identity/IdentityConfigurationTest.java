package ai.portal.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import ai.portal.platform.installation.Installation;
import ai.portal.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Import;

/** The Spring wiring of the identity package: properties, the admin client bean and its shutdown. */
class IdentityConfigurationTest {

    @Import({IdentityConfiguration.class, UserDirectory.class})
    static class Wiring {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Wiring.class)
            .withBean(Installation.class, () -> new Installation("identity-test"));

    @Test
    void defaultsToTheLocalKeycloakAndTheTenantServiceAdminClient() {
        context.run(ctx -> assertThat(ctx.getBean(IdentityProperties.class)).isEqualTo(new IdentityProperties(
                "http://localhost:8180", "portal", "tenant-service-admin", "", "teams", Duration.ofSeconds(5),
                Duration.ofSeconds(30))));
    }

    @Test
    void bindsPortalIdentityProperties() {
        context.withPropertyValues("portal.identity.server-url=http://kc.example:8080/",
                        "portal.identity.parent-group=/portal-teams", "portal.identity.read-timeout=2s")
                .run(ctx -> {
                    IdentityProperties properties = ctx.getBean(IdentityProperties.class);
                    assertThat(properties.serverUrl()).isEqualTo("http://kc.example:8080");
                    assertThat(properties.parentPath()).isEqualTo("/portal-teams");
                    assertThat(properties.readTimeout()).isEqualTo(Duration.ofSeconds(2));
                });
    }

    @Test
    void usesTheConfiguredClientAgainstTheRealKeycloakAndClosesItWithTheContext() {
        AtomicReference<Keycloak> keycloak = new AtomicReference<>();
        context.withPropertyValues("portal.identity.server-url=" + TestStack.get().keycloakUrl(),
                        "portal.identity.client-secret=" + TestStack.get().value("TENANT_ADMIN_CLIENT_SECRET"))
                .run(ctx -> {
                    keycloak.set(ctx.getBean(Keycloak.class));
                    assertThat(ctx.getBean(UserDirectory.class).findByUsername("carol").block())
                            .extracting(KeycloakUser::username).isEqualTo("carol");
                    assertThat(ctx.getBean(KeycloakTeamSync.class).name()).isEqualTo("keycloak");
                });
        assertThat(keycloak.get().isClosed()).isTrue();
    }
}
