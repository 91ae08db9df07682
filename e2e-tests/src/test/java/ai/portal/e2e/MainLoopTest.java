package ai.portal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.concurrent.ThreadLocalRandom;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The product's main loop in the browser, against the whole local stack (Kueue admitting, notebooks as real
 * JupyterLab processes on the simulated GPU nodes, the authenticated notebook proxy): the admin makes a team with
 * alice as owner and 4 A100s; alice launches a 1-A100 notebook, sees it reach Running, opens it and runs a cell;
 * carol, added to the team, opens it too and is refused at her next request once removed; bob, who is not in the
 * team, reaches neither its pages nor the notebook; alice sees the most the notebook used beside what it asks for and
 * applies the VPA recommender's right-size recommendation, and it restarts with it; a 4-A100 job submitted while the notebook
 * holds one waits in the queue with its reason, and starts by itself when she stops the notebook; its detail shows
 * its log lines arriving live and its GPU panels; a job behind it is told when it will start; the admin's usage
 * CSV has the team's GPU time; alice switches experiment tracking on, a training job registers a model, she deploys
 * it, sees it serve, lets it autoscale and deletes it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MainLoopTest {

    static final String TEAM = "loop-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    static final String A100 = "NVIDIA-A100-SXM4-80GB";
    /** Starting a real JupyterLab, Kueue's admission and the informers, on a loaded 2-core machine. */
    static final double SLOW = 240_000;

    private static Portal portal;
    /** The notebook's JupyterLab as alice's browser reached it through the portal's proxy. */
    private static String labUrl;

    @BeforeAll
    static void openBrowser() {
        portal = new Portal();
    }

    @AfterEach
    void closeSessions() {
        portal.closeSessions();
    }

    @AfterAll
    static void closeBrowser() {
        portal.close();
    }

    @Test
    @Order(1)
    void adminMakesTheTeamWithAliceAsOwnerAndFourA100s() {
        Page page = signedIn("admin");
        page.navigate(Portal.url() + "/admin/teams");
        page.locator("#create-team").click();
        page.locator("#new-team-slug input").fill(TEAM);
        page.locator("#new-team-name input").fill("Main loop " + TEAM);
        page.locator("#new-team-owner input").fill("alice");
        page.locator("#create-team-submit").click();
        assertThat(page.locator("#create-team-dialog")).hasCount(0);
        assertThat(page.locator(".portal-team-phase[data-team='" + TEAM + "']")).hasAttribute("data-phase", "Ready",
                new LocatorAssertions.HasAttributeOptions().setTimeout(SLOW));
        page.locator("#quota-" + TEAM).click();
        page.locator("#quota-gpu-" + A100 + " input").fill("4");
        page.locator("#save-quota").click();
        assertThat(page.locator("#quota-editor")).hasCount(0);
    }

    @Test
    @Order(2)
    void aliceLaunchesAGpuNotebookOpensItAndRunsACell() {
        Page page = signedIn("alice");
        page.navigate(Portal.url() + "/teams/" + TEAM + "/notebooks");
        page.locator("#launch-notebook").click();
        assertThat(page.locator("#notebook-name")).isVisible();
        page.locator("#notebook-name input").fill("lab");
        gpus(page, "notebook", "A100", 1);
        // the platform offers two GPU placements: this notebook is placed by the fragmentation-aware profile
        choose(page, "#notebook-placement", "gpu-fit");
        // before launching, the dialog says whether it would start now (it asks again while it would not: the quota
        // the admin just gave reaches Kueue's queue a moment after it is saved)
        Locator verdict = page.locator("#launch-verdict");
        explained(() -> assertThat(verdict.locator(".portal-ok")).isVisible(
                new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW)), "the launch dialog", verdict);
        Portal.screenshot(page, "loop-launch-dialog");
        page.locator("#launch-submit").click();
        assertThat(page.locator("#launch-notebook-dialog")).hasCount(0);

        // pushed by the live view as the pod starts and JupyterLab answers its readiness probe: no reload
        awaitPhase(page, "lab", "Running");
        Portal.screenshot(page, "loop-notebook-running");

        // Open: JupyterLab through the portal's proxy, signed in by the same SSO session, no token to handle
        // a new tab (target=_blank); on a loaded machine Chromium may take more than the default minute to open it
        Page lab = page.waitForPopup(new Page.WaitForPopupOptions().setTimeout(SLOW),
                () -> page.locator("#open-lab").click());
        lab.setDefaultTimeout(SLOW);
        lab.waitForURL(url -> url.contains("/lab"));
        labUrl = lab.url();
        explained(() -> {
            lab.locator(".jp-LauncherCard[data-category='Notebook']").first().click();
            // the kernel first: a cell run before it is connected is not run (on a loaded machine that takes a while)
            assertThat(lab.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions()
                    .setName("Python 3 (ipykernel) | Idle"))).isVisible(
                    new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW));
            Locator cell = lab.locator(".jp-Notebook .jp-Cell .cm-content").first();
            cell.click();
            lab.keyboard().type("print(6*7)");
            assertThat(cell).containsText("print(6*7)");
            lab.keyboard().press("Shift+Enter");
            assertThat(lab.locator(".jp-OutputArea-output").first()).containsText("42",
                    new LocatorAssertions.ContainsTextOptions().setTimeout(SLOW));
        }, "JupyterLab at " + lab.url(), lab.locator("body"));
        Portal.screenshot(lab, "loop-jupyterlab-42");
    }

    @Test
    @Order(3)
    void aMemberRemovedFromTheTeamIsRefusedAtTheirNextRequestToTheNotebook() {
        // alice (the owner) adds carol; carol opens the notebook through the proxy with her own SSO session
        Page owner = signedIn("alice");
        owner.locator("#team-link-" + TEAM).click();
        owner.locator("#new-member-username input").fill("carol");
        owner.locator("#add-member").click();
        assertThat(owner.locator("#members-grid")).containsText("carol");
        Page carol = signedIn("carol");
        explained(() -> {
            com.microsoft.playwright.Response allowed = carol.navigate(labUrl());
            org.assertj.core.api.Assertions.assertThat(allowed.status()).isEqualTo(200);
            assertThat(carol.locator(".jp-LabShell")).isVisible(
                    new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW));
        }, "carol's JupyterLab", carol.locator("body"));

        // removed, her next request is refused (the portal asks tenant-service again within seconds)
        owner.locator("#remove-carol").click();
        owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove").setExact(true)).click();
        assertThat(owner.locator("#members-grid")).not().containsText("carol");
        int status = 0;
        for (int attempt = 0; attempt < 30 && status != 403; attempt++) {
            if (attempt > 0) {
                carol.waitForTimeout(2_000);
            }
            status = carol.navigate(labUrl()).status();
        }
        org.assertj.core.api.Assertions.assertThat(status).as("carol's request after her removal").isEqualTo(403);
        assertThat(carol.locator("body")).containsText("No access to this notebook");
        Portal.screenshot(carol, "loop-carol-removed");
    }

    @Test
    @Order(4)
    void bobWhoIsNotInTheTeamReachesNeitherItsPagesNorItsNotebook() {
        Page page = signedIn("bob");
        for (String path : new String[] {"/teams/" + TEAM + "/notebooks", "/teams/" + TEAM + "/workloads/lab"}) {
            page.navigate(Portal.url() + path);
            assertThat(page.locator("#not-found")).isVisible();
            assertThat(page.locator("body")).not().containsText("lab");
        }
        // the notebook itself: the proxy signs bob in by the same SSO session, then refuses him
        com.microsoft.playwright.Response refused = page.navigate(labUrl());
        org.assertj.core.api.Assertions.assertThat(refused.status()).isEqualTo(403);
        assertThat(page.locator("body")).containsText("No access to this notebook");
        assertThat(page.locator(".jp-LabShell")).hasCount(0);
        Portal.screenshot(page, "loop-bob-refused");
    }

    @Test
    @Order(5)
    void aliceSeesWhatTheNotebookUsedAndAppliesTheRightSizeRecommendation() {
        Page page = signedIn("alice");
        page.navigate(Portal.url() + "/teams/" + TEAM + "/workloads/lab");
        assertThat(page.locator("#workload-placement")).containsText("gpu-fit");
        // the most it used (Prometheus, the node's kubelet metrics of the real JupyterLab) beside what it asks for,
        // and the VPA recommender's recommendation from its measured usage: both move on their own clocks, which push
        // nothing, and the open page reads them again by itself (no reload here) until they show
        explained(() -> assertThat(page.locator("#peak-usage [data-resource='cpu']")).containsText("used at most",
                        new LocatorAssertions.ContainsTextOptions().setTimeout(SLOW)), "lab's peak usage",
                page.locator("#workload-right-sizing"));
        assertThat(page.locator("#peak-usage [data-resource='memory']")).containsText("used at most");
        explained(() -> assertThat(page.locator("#right-sizing-apply")).isVisible(
                        new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW)), "lab's right-size recommendation",
                page.locator("#workload-right-sizing"));
        Portal.screenshot(page, "loop-right-sizing");
        String asked = page.locator("#workload-resources").innerText();
        page.locator("#right-sizing-apply").click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Apply").setExact(true)).click();
        // it restarts asking for the recommendation: its resources change, and it is Running again
        explained(() -> assertThat(page.locator("#workload-resources")).not().hasText(asked,
                        new LocatorAssertions.HasTextOptions().setTimeout(SLOW)), "lab's new size",
                page.locator("#workload-summary"));
        awaitPhase(page, "lab", "Running");
        Portal.screenshot(page, "loop-right-sized");
    }

    @Test
    @Order(6)
    void aJobThatDoesNotFitWaitsWithItsReasonAndStartsWhenTheNotebookStops() {
        Page page = signedIn("alice");
        page.navigate(Portal.url() + "/teams/" + TEAM + "/jobs");
        page.locator("#submit-job").click();
        assertThat(page.locator("#job-name")).isVisible();
        page.locator("#job-name input").fill("train");
        // a real process on the simulated node: one log line a second
        page.locator("#job-command input").fill(
                "python -u -c \"import time; [print('step', i) or time.sleep(1) for i in range(900)]\"");
        gpus(page, "job", "A100", 4);
        // placed by the fragmentation-aware scheduler profile instead of the platform's default
        choose(page, "#job-placement", "gpu-fit");
        assertThat(page.locator("#submit-verdict")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW));
        page.locator("#submit-job-submit").click();
        explained(() -> assertThat(page.locator("#submit-job-dialog")).hasCount(0), "train's submission",
                page.locator("vaadin-dialog-overlay, body"));

        // the notebook holds one of the team's four A100s: the job waits in the queue and says why
        Locator status = page.locator(".portal-status[data-workload='train']");
        awaitPhase(page, "train", "Pending");
        assertThat(status.locator(".portal-reason")).not().isEmpty(
                new LocatorAssertions.IsEmptyOptions().setTimeout(SLOW));
        Portal.screenshot(page, "loop-job-queued");

        page.navigate(Portal.url() + "/teams/" + TEAM + "/notebooks");
        act(page, "#stop-lab", "lab", "Stopped");

        // Kueue admits the job once the notebook's GPU is free: it starts by itself
        page.navigate(Portal.url() + "/teams/" + TEAM + "/jobs");
        awaitPhase(page, "train", "Running");
        Portal.screenshot(page, "loop-job-running");

        // its detail: the log lines arrive while the page is open, and its GPUs' panels have data
        page.locator("#workload-train").click();
        assertThat(page.locator("#workload-placement")).containsText("gpu-fit");
        Locator lines = page.locator("#log-lines .portal-log-line");
        explained(() -> assertThat(lines.filter(new Locator.FilterOptions().setHasText("step")).first())
                .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW)), "train's log lines",
                page.locator("#workload-logs"));
        int seen = lines.count();
        explained(() -> assertThat(lines.nth(seen)).isAttached(
                new LocatorAssertions.IsAttachedOptions().setTimeout(SLOW)), "more log lines, live",
                page.locator("#workload-logs"));
        explained(() -> assertThat(page.locator("#gpu-panels [data-signal='utilization']")).isVisible(
                new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW)), "train's GPU panels",
                page.locator("#workload-gpu"));
        // right-sizing: the cluster's VPA recommender measures the job (a recommendation, or one on its way)
        explained(() -> assertThat(page.locator("#right-sizing, #right-sizing-collecting")).isVisible(
                new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW)), "train's right-sizing",
                page.locator("#workload-right-sizing"));
        Portal.screenshot(page, "loop-job-detail");

        // a job behind it is told when it will start: when train's maximum runtime (60 minutes) at the latest
        page.navigate(Portal.url() + "/teams/" + TEAM + "/jobs");
        page.locator("#submit-job").click();
        page.locator("#job-name input").fill("next");
        gpus(page, "job", "A100", 1);
        assertThat(page.locator("#submit-verdict")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW));
        page.locator("#submit-job-submit").click();
        explained(() -> assertThat(page.locator("#submit-job-dialog")).hasCount(0), "next's submission",
                page.locator("vaadin-dialog-overlay, body"));
        awaitPhase(page, "next", "Pending");
        explained(() -> assertThat(page.locator(".portal-status[data-workload='next'] .portal-queue"))
                .containsText("starts in about", new LocatorAssertions.ContainsTextOptions().setTimeout(SLOW)),
                "next's estimated start", page.locator(".portal-status[data-workload='next']"));
        Portal.screenshot(page, "loop-job-eta");

        // cancelled, their GPUs go back to the cluster
        act(page, "#cancel-next", "next", "Cancelled");
        act(page, "#cancel-train", "train", "Cancelled");
    }

    @Test
    @Order(7)
    void theAdminsUsageCsvHasTheTeamsGpuTime() throws java.io.IOException {
        Page page = signedIn("admin");
        page.navigate(Portal.url() + "/admin/usage");
        // the usage of a run is recorded a moment after it ends: download again until the team's row has both runs
        String row = null;
        java.util.List<String> rows = java.util.List.of();
        for (int attempt = 0; attempt < 24 && !hasBothRuns(row); attempt++) {
            if (attempt > 0) {
                page.waitForTimeout(5_000);
            }
            com.microsoft.playwright.Download download = page.waitForDownload(
                    () -> page.locator("#usage-csv").click());
            rows = java.nio.file.Files.readAllLines(download.path());
            org.assertj.core.api.Assertions.assertThat(rows.getFirst())
                    .startsWith("team_key,team,gpu_hours,gpu_seconds");
            row = rows.stream().filter(line -> line.startsWith(TEAM + ",")).findFirst().orElse(null);
        }
        org.assertj.core.api.Assertions.assertThat(hasBothRuns(row))
                .as("team %s's row with GPU time of its notebook and its job in %s", TEAM, rows).isTrue();
    }

    @Test
    @Order(8)
    void theAdminGivesTheTeamShorterGpuIdleLimitsThenMakesItFollowThePlatformAgain() {
        Page page = signedIn("admin");
        page.locator("#nav-admin-idle").click();
        assertThat(page.locator("#idle-platform-form")).isVisible();
        page.locator("#idle-team-add").click();
        Locator team = page.locator("#idle-team input");
        team.fill(TEAM);
        page.locator("vaadin-combo-box-item").filter(new Locator.FilterOptions().setHasText(TEAM)).first().click();
        page.locator("#idle-team-gpu-limit input").fill("30");
        page.locator("#idle-team-max-keep input").fill("60");
        page.locator("#idle-team-save").click();
        assertThat(page.locator("#idle-team-dialog")).hasCount(0);
        Locator row = page.locator("#idle-teams-grid vaadin-grid-cell-content")
                .filter(new Locator.FilterOptions().setHasText("30 min"));
        assertThat(row.first()).isVisible();
        assertThat(page.locator("#idle-teams-grid")).containsText("(platform)");
        Portal.screenshot(page, "loop-idle-limits");

        page.locator("#idle-team-reset-" + TEAM).click();
        assertThat(page.locator("#idle-team-reset-" + TEAM)).hasCount(0);
    }

    /** team, team, GPU hours, GPU seconds, CPU seconds, memory GiB seconds, run seconds, workloads. */
    private static boolean hasBothRuns(String row) {
        if (row == null) {
            return false;
        }
        String[] cells = row.split(",");
        return Double.parseDouble(cells[3]) > 0 && Integer.parseInt(cells[7].strip()) >= 2;
    }

    /** The notebook's URL from the launch step; the steps after it need it (a failure there says so, plainly). */
    private static String labUrl() {
        org.assertj.core.api.Assertions.assertThat(labUrl)
                .as("the notebook's JupyterLab URL, which the launch step (order 2) did not reach").isNotNull();
        return labUrl;
    }

    private static Locator phaseOf(Page page, String workload) {
        return page.locator(".portal-status[data-workload='" + workload + "'] .portal-phase");
    }

    @Test
    @Order(9)
    void aliceTrainsAModelWithTrackingOnDeploysItAndLetsItAutoscale() {
        Page page = signedIn("alice");
        page.navigate(Portal.url() + "/teams/" + TEAM);
        page.locator("#tracking-toggle").click();
        // the team's own MLflow server starts (a real one: a minute or two); the section is asked again until Ready
        Locator state = page.locator("#tracking-state");
        explained(() -> {
            long deadline = System.nanoTime() + (long) SLOW * 1_000_000L;
            while (!"Ready".equals(state.innerText().strip())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("tracking is " + state.innerText());
                }
                page.waitForTimeout(3_000);
                if (page.locator("#tracking-refresh").count() > 0) {
                    page.locator("#tracking-refresh").click();
                }
            }
        }, "the team's tracking server to be Ready", page.locator("#team-tracking"));

        // a training job from examples/ logs its run there and registers the model
        page.navigate(Portal.url() + "/teams/" + TEAM + "/jobs");
        page.locator("#submit-job").click();
        page.locator("#job-name input").fill("fit");
        choose(page, "#job-image", "SciPy");
        page.locator("#job-command input").fill(
                "python /opt/examples/train_mlflow.py --experiment e2e --model churn --epochs 3");
        assertThat(page.locator("#submit-verdict")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW));
        page.locator("#submit-job-submit").click();
        explained(() -> assertThat(page.locator("#submit-job-dialog")).hasCount(0), "fit's submission",
                page.locator("vaadin-dialog-overlay, body"));
        awaitPhase(page, "fit", "Succeeded");

        // deployed from the team's page: the registry lists the model, the dialog suggests a name
        page.navigate(Portal.url() + "/teams/" + TEAM);
        explained(() -> assertThat(page.locator("#deploy-model-churn")).isVisible(
                new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW)), "churn in the team's registry",
                page.locator("#team-models"));
        page.locator("#deploy-model-churn").click();
        assertThat(page.locator("#deploy-model-name input")).hasValue("churn");
        page.locator("#deploy-model-confirm").click();
        explained(() -> assertThat(page.locator("#deploy-model-dialog")).hasCount(0), "churn's deployment",
                page.locator("vaadin-dialog-overlay, body"));
        // pushed as the real model server downloads the model and answers its readiness probe
        Locator status = page.locator("#model-deployment-status-churn");
        explained(() -> assertThat(status).hasAttribute("data-state", "serving",
                new LocatorAssertions.HasAttributeOptions().setTimeout(SLOW)), "churn to serve", status);
        Portal.screenshot(page, "loop-model-serving");

        // autoscaling instead of one fixed replica: the HPA's view of it appears in the row
        page.locator("#change-model-deployment-churn").click();
        // the checkbox itself: a click on the field's middle can land on its helper text
        page.locator("#change-model-autoscale input").check();
        page.locator("#change-model-max-replicas input").fill("2");
        page.locator("#change-model-confirm").click();
        explained(() -> assertThat(page.locator("#change-model-dialog")).hasCount(0), "churn's autoscaling",
                page.locator("vaadin-dialog-overlay, body"));
        explained(() -> assertThat(page.locator("#model-deployment-autoscaling-churn")).containsText("Autoscaling 1–2",
                new LocatorAssertions.ContainsTextOptions().setTimeout(SLOW)), "churn's autoscaling status", status);
        Portal.screenshot(page, "loop-model-autoscaling");
        // its replicas over time: a chart, and the rescales (none yet without load) in words
        page.locator("#model-scaling-history-churn").click();
        explained(() -> assertThat(page.locator("#scaling-history-chart")).hasAttribute("data-series", "1",
                new LocatorAssertions.HasAttributeOptions().setTimeout(SLOW)), "churn's replicas over time",
                page.locator("#scaling-history-dialog"));
        assertThat(page.locator("#scaling-history-none, #scaling-history-changes")).isVisible();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Close").setExact(true)).click();

        // deleted: nothing of it is left in the list
        page.locator("#delete-model-deployment-churn").click();
        page.locator("#delete-model-confirm").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
                .setName("Delete deployment").setExact(true)).click();
        explained(() -> assertThat(page.locator("#team-model-deployments-none")).isVisible(
                new LocatorAssertions.IsVisibleOptions().setTimeout(SLOW)), "churn deleted", page.locator("#team-models"));
        // the tracking server stops again: the rest of the suite gets its memory back
        page.locator("#tracking-toggle").click();
        assertThat(state).not().hasText("Ready", new LocatorAssertions.HasTextOptions().setTimeout(SLOW));
    }

    /**
     * Clicks a workload's action in the list and waits for the phase it leads to. The list is drawn anew on every
     * pushed change, and a click that lands while its row is being replaced is dropped by Vaadin ("inactive node"):
     * if the phase has not come and no message says the action failed, the click is made once more (the actions are
     * idempotent). A failure message (a toast) fails the test with its text.
     */
    private static void act(Page page, String button, String workload, String phase) {
        for (int attempt = 1; ; attempt++) {
            page.locator(button).click();
            try {
                assertThat(phaseOf(page, workload)).hasAttribute("data-phase", phase,
                        new LocatorAssertions.HasAttributeOptions().setTimeout(attempt < 3 ? 60_000 : SLOW));
                return;
            } catch (AssertionError notYet) {
                Locator failed = page.locator("vaadin-notification-card[theme~='error']");
                if (attempt >= 3 || failed.count() > 0) {
                    throw new AssertionError(button + " did not lead to " + workload + " being " + phase
                            + "; the status shows: " + page.locator(".portal-status[data-workload='" + workload
                            + "']").innerText() + (failed.count() > 0 ? "; the portal said: "
                            + failed.first().innerText() : ""), notYet);
                }
            }
        }
    }

    /** Waits for a workload's phase; when it does not come, the failure says what the page showed instead. */
    private static void awaitPhase(Page page, String workload, String phase) {
        explained(() -> assertThat(phaseOf(page, workload)).hasAttribute("data-phase", phase,
                        new LocatorAssertions.HasAttributeOptions().setTimeout(SLOW)),
                workload + " to be " + phase, page.locator(".portal-status[data-workload='" + workload + "']"));
    }

    /** Runs browser steps; a failure carries the text the user saw in {@code shown} (a CI log has nothing else). */
    private static void explained(Runnable steps, String what, Locator shown) {
        try {
            steps.run();
        } catch (AssertionError | com.microsoft.playwright.PlaywrightException failed) {
            String text;
            try {
                text = shown.first().innerText(new Locator.InnerTextOptions().setTimeout(5_000));
            } catch (com.microsoft.playwright.PlaywrightException unreadable) {
                text = "(nothing readable: " + unreadable.getMessage().lines().findFirst().orElse("") + ")";
            }
            try {
                Portal.screenshot(shown.page(), "loop-failed");
            } catch (com.microsoft.playwright.PlaywrightException closed) {
                // the text above is all there is
            }
            String seen = text.replaceAll("\\s+", " ").strip();
            throw new AssertionError("waiting for " + what + "; the page showed: "
                    + (seen.length() > 1500 ? seen.substring(0, 1500) + "…" : seen), failed);
        }
    }

    /**
     * A signed-in session whose page loads may take as long as the slowest step: a CI machine has been seen at half
     * this machine's speed, and a first sign-in at the notebook proxy goes through Keycloak and back.
     */
    private static Page signedIn(String user) {
        Page page = portal.signedIn(user);
        page.setDefaultNavigationTimeout(SLOW);
        return page;
    }

    /**
     * Picks a GPU type in a launch or submit dialog, then the count. Picking a type makes the server set the count
     * to 1; the count is typed only after that value has arrived, or the two edits interleave (seen: "11").
     */
    private static void gpus(Page page, String dialog, String type, int count) {
        choose(page, "#" + dialog + "-gpu-type", type);
        Locator field = page.locator("#" + dialog + "-gpus input");
        assertThat(field).hasValue("1");
        field.fill(Integer.toString(count));
        assertThat(field).hasValue(Integer.toString(count));
    }

    /** Picks the item of a Vaadin select whose label contains {@code text}. */
    private static void choose(Page page, String select, String text) {
        page.locator(select).click();
        page.locator("vaadin-select-item").filter(new Locator.FilterOptions().setHasText(text)).first().click();
    }
}
