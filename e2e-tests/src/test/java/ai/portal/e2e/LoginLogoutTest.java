package ai.portal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

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
    void aliceLogsInThroughKeycloakSeesHerHomeAndLogsOut() {
        Page page = portal.newSession();

        page.navigate(Portal.url());
        assertThat(page.locator("#kc-login")).isVisible();
        assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/realms/portal/protocol/openid-connect/auth.*"));

        Portal.logIn(page, "alice");
        assertThat(page.locator("#welcome")).hasText("Welcome, Alice Anders");
        assertThat(page.locator("#current-user-name")).hasText("Alice Anders");
        assertThat(page.locator("#user-roles")).containsText("data-scientist");
        assertThat(page.locator("#my-teams")).isVisible();
        page.screenshot(new Page.ScreenshotOptions().setPath(Portal.SCREENSHOTS.resolve("alice-home.png"))
                .setFullPage(true));

        page.locator("#logout").click();
        assertThat(page.locator("#kc-login")).isVisible();

        // the Keycloak session ended too: opening the portal again asks for credentials instead of signing in
        page.navigate(Portal.url());
        assertThat(page.locator("#kc-login")).isVisible();
        page.context().close();
    }

    @Test
    void userWithoutPortalRoleIsToldHowToGetAccess() {
        Page page = portal.newSession();
        Portal.logIn(page, "guest");
        assertThat(page.locator("#welcome")).hasText("Welcome, Gus Guest");
        assertThat(page.locator("#no-access")).containsText("no portal role");
        page.screenshot(new Page.ScreenshotOptions().setPath(Portal.SCREENSHOTS.resolve("guest-home.png")));
        page.context().close();
    }
}
