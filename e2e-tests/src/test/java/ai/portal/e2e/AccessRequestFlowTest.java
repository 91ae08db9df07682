package ai.portal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.UUID;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A guest (signed in, no portal role) asks for access on their home page; the admin's open "Access requests" page
 * shows the request without a reload; the admin rejects it with a reason, and the guest reads that reason on their
 * home page and may ask again, and withdraw. Approval changes the realm for good and is covered against the real
 * Keycloak by tenant-service's AccessRequestApiTest.
 */
class AccessRequestFlowTest {

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
    void guestAsksAdminRejectsWithAReasonTheGuestReads() {
        Page guest = portal.signedIn("guest");
        // the guest sees no admin entry and no workload pages
        assertThat(guest.locator("#nav-admin")).hasCount(0);
        Locator panel = guest.locator("#request-access");
        assertThat(panel).isVisible();
        // a request left waiting by an earlier run is withdrawn first
        if (guest.locator("#withdraw-access-request").count() > 0) {
            guest.locator("#withdraw-access-request").click();
        }
        assertThat(guest.locator("#access-request-form")).isVisible();

        Page admin = portal.signedIn("admin");
        admin.locator("#nav-admin-access").click();
        assertThat(admin.locator("#admin-access-requests")).isVisible();

        String reason = "I train detectors " + UUID.randomUUID().toString().substring(0, 6);
        guest.locator("#access-team input").fill("Not a team!");
        guest.locator("#access-reason textarea").fill(reason);
        guest.locator("#submit-access-request").click();
        assertThat(guest.locator("#access-team")).hasAttribute("invalid", "");
        guest.locator("#access-team input").fill("");
        guest.locator("#submit-access-request").click();
        assertThat(guest.locator("#access-request-status")).hasAttribute("data-status", "pending");
        Portal.screenshot(guest, "guest-access-pending");

        // pushed to the admin's open page: no reload
        Locator row = admin.locator("#access-requests-grid").getByText(reason);
        assertThat(row).isVisible(new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions()
                .setTimeout(30_000));
        Portal.screenshot(admin, "admin-access-requests");
        String id = (String) admin.evaluate("""
                reason => [...document.querySelectorAll('[id^=reject-access-]')].map(b => b.id).pop()""", reason);
        admin.locator("#" + id).click();
        admin.locator("#access-reject-dialog #decision-reason textarea").fill("Ask your team lead first");
        admin.locator("#confirm-decision").click();
        assertThat(admin.locator("#access-reject-dialog")).hasCount(0);

        guest.reload();
        assertThat(guest.locator("#access-request-status")).hasAttribute("data-status", "rejected");
        assertThat(guest.locator("#access-request-status")).containsText("Ask your team lead first");
        Portal.screenshot(guest, "guest-access-rejected");
        // asking again is possible, and withdrawing
        guest.locator("#access-reason textarea").fill(reason + " (my lead agreed)");
        guest.locator("#submit-access-request").click();
        assertThat(guest.locator("#access-request-status")).hasAttribute("data-status", "pending");
        guest.locator("#withdraw-access-request").click();
        assertThat(guest.locator("#access-request-form")).isVisible();
        guest.context().close();
        admin.context().close();
    }
}
