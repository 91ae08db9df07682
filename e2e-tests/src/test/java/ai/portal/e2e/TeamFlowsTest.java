package ai.portal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.concurrent.ThreadLocalRandom;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The team lifecycle through the browser, as each kind of user, against the real tenant-service, Keycloak and
 * cluster: the admin creates a team with carol as owner and 4 A100s and sees it Ready; carol adds alice; alice sees
 * the team and its quota and asks for more; the admin approves, and alice's open page shows it without a reload;
 * bob, who is not in the team, finds nothing of it; the admin finds it all in the audit log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TeamFlowsTest {

    /** A fresh team per run, so the suite can run again against the same stack. */
    static final String TEAM = "vision-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    static final String A100 = "NVIDIA-A100-SXM4-80GB";

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
    @Order(1)
    void adminCreatesTheTeamWithCarolAsOwnerAndFourA100sAndSeesItReady() {
        Page page = portal.signedIn("admin");
        page.locator("#nav-admin-teams").click();
        page.locator("#create-team").click();
        Locator dialog = page.locator("#create-team-dialog");
        // checked as typed: an invalid short name is marked before anything is sent
        page.locator("#new-team-slug input").fill("Vision!");
        assertThat(page.locator("#new-team-slug")).hasAttribute("invalid", "");
        page.locator("#new-team-slug input").fill(TEAM);
        assertThat(page.locator("#new-team-slug")).not().hasAttribute("invalid", "");
        page.locator("#new-team-name input").fill("Computer Vision " + TEAM);
        page.locator("#new-team-owner input").fill("carol");
        page.locator("#create-team-submit").click();
        assertThat(dialog).hasCount(0);

        Locator phase = page.locator(".portal-team-phase[data-team='" + TEAM + "']");
        // pushed by the live view when provisioning converges: no reload
        assertThat(phase).hasAttribute("data-phase", "Ready",
                new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(60_000));

        page.locator("#quota-" + TEAM).click();
        page.locator("#quota-gpu-" + A100 + " input").fill("4");
        page.locator("#save-quota").click();
        assertThat(page.locator("#quota-editor")).hasCount(0);
        Portal.screenshot(page, "admin-teams");
        page.context().close();
    }

    @Test
    @Order(2)
    void carolAddsAliceAsMember() {
        Page page = portal.signedIn("carol");
        page.locator("#team-link-" + TEAM).click();
        assertThat(page.locator("#team-my-role")).containsText("Owner");
        page.locator("#new-member-username input").fill("nobody-by-this-name");
        page.locator("#add-member").click();
        assertThat(page.locator("#new-member-username")).hasAttribute("invalid", "");
        page.locator("#new-member-username input").fill("alice");
        page.locator("#add-member").click();
        assertThat(page.locator("#members-grid")).containsText("alice");
        Portal.screenshot(page, "carol-team");
        page.context().close();
    }

    @Test
    @Order(3)
    void aliceSeesTheTeamAndItsQuotaAsksForMoreAndSeesTheApprovalArriveLive() {
        Page alice = portal.signedIn("alice");
        alice.locator("#team-link-" + TEAM).click();
        assertThat(alice.locator("#team-my-role")).containsText("Member");
        assertThat(alice.locator("#team-phase")).hasText("Ready");
        Locator a100 = alice.locator("#team-quota .portal-quota-bar[data-gpu-type='" + A100 + "']");
        assertThat(a100).containsText("0 of 4");
        // the team's node-local disk, as its ResourceQuota bounds it (tenant-service's ephemeral-storage default)
        assertThat(alice.locator("#team-quota .portal-quota-bar[data-resource='requests.ephemeral-storage']"))
                .containsText("Node-local disk");
        assertThat(alice.locator("#team-quota .portal-quota-bar[data-resource='requests.ephemeral-storage']"))
                .containsText("500Gi");
        // a member manages nobody
        assertThat(alice.locator("#add-member-form")).hasCount(0);
        // the team's models: none deployed, and the registry is the tracking server, which is off
        assertThat(alice.locator("#team-models-registry-problem")).containsText("switch on experiment tracking");
        assertThat(alice.locator("#team-model-deployments-none")).isVisible();

        alice.locator("#ask-for-quota").click();
        alice.locator("#quota-gpu-" + A100 + " input").fill("8");
        alice.locator("#send-quota-request").click();
        assertThat(alice.locator("#quota-request-reason")).hasAttribute("invalid", "");
        alice.locator("#quota-request-reason textarea").fill("Fine-tuning needs 8 A100s for two weeks");
        alice.locator("#send-quota-request").click();
        assertThat(alice.locator("#quota-requests-grid")).containsText("Pending");

        Page admin = portal.signedIn("admin");
        admin.locator("#nav-admin-requests").click();
        Locator row = admin.locator("#requests-grid vaadin-grid-cell-content",
                new Page.LocatorOptions().setHasText(TEAM));
        assertThat(row.first()).isVisible();
        admin.locator("[id^=approve-]").last().click();
        admin.locator("#decision-reason textarea").fill("Approved for the fine-tuning project");
        admin.locator("#confirm-decision").click();
        assertThat(admin.locator("#decision-dialog")).hasCount(0);
        Portal.screenshot(admin, "admin-quota-requests");

        // alice's open page learns of it by push, and her quota is now 8
        assertThat(alice.locator("#quota-requests-grid")).containsText("Approved",
                new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(20_000));
        assertThat(a100).containsText("0 of 8",
                new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(20_000));
        Portal.screenshot(alice, "alice-team");
        alice.context().close();
        admin.context().close();
    }

    @Test
    @Order(4)
    void bobWhoIsNotInTheTeamFindsNothingOfIt() {
        Page page = portal.signedIn("bob");
        assertThat(page.locator("#my-teams")).isVisible();
        assertThat(page.locator("#team-link-" + TEAM)).hasCount(0);
        assertThat(page.locator("#nav-team-" + TEAM)).hasCount(0);
        for (String path : new String[] {"/teams/" + TEAM, "/teams/" + TEAM + "/notebooks", "/teams/" + TEAM + "/jobs",
                "/teams/" + TEAM + "/workloads/anything"}) {
            page.navigate(Portal.url() + path);
            assertThat(page.locator("#not-found")).isVisible();
            assertThat(page.locator("body")).not().containsText("Computer Vision " + TEAM);
        }
        Portal.screenshot(page, "bob-not-found");
        page.context().close();
    }

    @Test
    @Order(5)
    void adminFindsItAllInTheAuditLog() {
        Page page = portal.signedIn("admin");
        page.locator("#nav-admin-audit").click();
        page.locator("#audit-team input").fill(TEAM);
        Locator grid = page.locator("#audit-grid");
        assertThat(grid).containsText("created team");
        assertThat(grid).containsText("added member");
        assertThat(grid).containsText("approved quota request");
        Portal.screenshot(page, "admin-audit");
        page.context().close();
    }
}
