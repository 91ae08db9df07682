package ai.portal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.regex.Pattern;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Single sign-on through the real Keycloak, as a data scientist and as an SSO user without portal access. */
class LoginLogoutTest {

    private static Portal portal;

    @BeforeAll
    static void openBrowser() {
        portal = new Portal();
    }

    @AfterAll
    static void closeBrowser() {
        portal.close();
    }

    @Test
    void aliceLogsInThroughKeycloakSeesHerHomeAndIsToldSheHasBeenSignedOut() {
        Page page = portal.newSession();

        page.navigate(Portal.url());
        assertThat(page.locator("#kc-login")).isVisible();
        assertThat(page).hasURL(Pattern.compile(".*/realms/portal/protocol/openid-connect/auth.*ui_locales=en.*"));

        Portal.logIn(page, "alice");
        assertThat(page.locator("#welcome")).hasText("Welcome, Alice Anders");
        assertThat(page.locator("#current-user-name")).hasText("Alice Anders");
        assertThat(page.locator("#user-roles")).containsText("Data scientist");
        assertThat(page.locator("#my-teams")).isVisible();
        assertThat(page).hasTitle("Home · AI Portal");
        Portal.screenshot(page, "alice-home");

        Portal.logOut(page);
        assertThat(page.locator("#signed-out")).hasText("You have been signed out");
        assertThat(page).hasTitle("Signed out · AI Portal");
        Portal.screenshot(page, "signed-out");

        // the Keycloak session ended too: signing in again asks for credentials instead of signing in silently
        page.locator("#sign-in-again").click();
        assertThat(page.locator("#kc-login")).isVisible();
        page.context().close();
    }

    @Test
    void userWithoutPortalRoleIsToldHowToGetAccess() {
        Page page = portal.newSession();
        Portal.logIn(page, "guest");
        assertThat(page.locator("#welcome")).hasText("Welcome, Gus Guest");
        assertThat(page.locator("#no-access")).containsText("no portal role");
        // and may ask for it from here (AccessRequestFlowTest follows a request through)
        assertThat(page.locator("#request-access")).containsText("Ask for access");
        assertThat(page.locator("#nav-notebooks")).hasCount(0);
        assertThat(page.locator("#nav-admin")).hasCount(0);
        Portal.screenshot(page, "guest-home");
        page.context().close();
    }
}
