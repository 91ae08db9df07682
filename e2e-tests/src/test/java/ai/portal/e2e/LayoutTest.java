package ai.portal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shell as a keyboard user, a phone user and a stranger to a page meet it: skip link and drawer first in the
 * tab order, a header that does not wrap on a phone, page titles, a favicon, no "Online" read out, the portal's own
 * "not found or not allowed" page, navigation by role, compressed static resources.
 */
class LayoutTest {

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
    void keyboardUsersMeetTheSkipLinkThenTheNavigationThenTheContent() {
        Page page = portal.signedIn("alice");
        assertThat(page.locator("#my-teams")).isVisible();
        page.reload();
        assertThat(page.locator("#my-teams")).isVisible();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            page.keyboard().press("Tab");
            order.add((String) page.evaluate("() => { let e = document.activeElement;"
                    + " while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;"
                    + " const host = document.activeElement;"
                    + " return (host.id || host.closest('[id]')?.id || host.tagName).toString(); }"));
        }
        assertThat(order.getFirst()).as("first tab stop, then: " + order).isEqualTo("skip-link");
        int firstNav = indexOfPrefix(order, "nav-");
        int userMenu = order.indexOf("user-menu");
        assertThat(firstNav).as("the navigation comes right after the skip link and the menu toggle: " + order)
                .isBetween(1, 3);
        assertThat(userMenu == -1 || userMenu > firstNav).as("navigation before the user menu: " + order).isTrue();

        // the skip link moves focus to the page's content
        page.reload();
        assertThat(page.locator("#my-teams")).isVisible();
        page.keyboard().press("Tab");
        page.keyboard().press("Enter");
        assertThat(page.evaluate("() => document.activeElement.id")).isEqualTo("main-content");
        page.context().close();
    }

    @Test
    void thePageHasAFaviconATitleAndNoConnectionIndicatorReadOut() {
        Page page = portal.signedIn("alice");
        assertThat(page.locator("#my-teams")).isVisible();
        assertThat(page).hasTitle("Home · AI Portal");
        assertThat(page.locator("head link[rel=icon]")).hasAttribute("href",
                java.util.regex.Pattern.compile(".*icons/favicon\\.svg"));
        APIResponse icon = page.request().get(Portal.url() + "/icons/favicon.svg");
        assertThat(icon.status()).isEqualTo(200);
        // nothing in the page says "Online" to a screen reader while the connection is fine
        assertThat(page.locator("body")).not().containsText("Online");
        String snapshot = page.locator("body").ariaSnapshot();
        assertThat(snapshot).doesNotContain("Online");
        page.context().close();
    }

    @Test
    void onAPhoneTheHeaderStaysOnOneLine() {
        Page page = portal.newSession("en-US", 375, 740);
        Portal.logIn(page, "alice");
        assertThat(page.locator("#view-title")).hasText("Home");
        double height = ((Number) page.evaluate("() => document.getElementById('view-title').getBoundingClientRect().height"))
                .doubleValue();
        double lineHeight = ((Number) page.evaluate("() => parseFloat(getComputedStyle(document.getElementById('view-title')).lineHeight) || 30"))
                .doubleValue();
        assertThat(height).as("title height on a phone").isLessThanOrEqualTo(lineHeight * 1.5);
        Portal.screenshot(page, "alice-home-phone");
        page.context().close();
    }

    @Test
    void anUnknownUrlAndAnAdminPageShowTheSameNotFoundPageInsideTheLayout() {
        Page page = portal.signedIn("alice");
        page.navigate(Portal.url() + "/no/such/page");
        assertThat(page.locator("#not-found")).hasText("Not found or not allowed");
        assertThat(page.locator("#nav-home")).isVisible();
        Portal.screenshot(page, "alice-not-found");

        page.navigate(Portal.url() + "/admin/teams");
        assertThat(page.locator("#not-found")).isVisible();
        assertThat(page.locator("#teams-grid")).hasCount(0);
        assertThat(page.locator("#nav-admin")).hasCount(0);
        page.context().close();
    }

    @Test
    void anAdminSeesTheAdministrationMenu() {
        Page page = portal.signedIn("admin");
        assertThat(page.locator("#nav-admin")).isVisible();
        page.locator("#nav-admin-teams").click();
        assertThat(page.locator("#teams-grid")).isVisible();
        assertThat(page).hasTitle("Teams · AI Portal");
        page.context().close();
    }

    @Test
    void staticResourcesAreCompressed() {
        Page page = portal.signedIn("alice");
        APIResponse lumo = page.request().get(Portal.url() + "/lumo/lumo.css",
                RequestOptions.create().setHeader("Accept-Encoding", "gzip"));
        assertThat(lumo.status()).isEqualTo(200);
        assertThat(lumo.headers().get("content-encoding")).isEqualTo("gzip");
        page.context().close();
    }

    private static int indexOfPrefix(List<String> ids, String prefix) {
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
