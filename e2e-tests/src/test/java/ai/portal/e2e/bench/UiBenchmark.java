package ai.portal.e2e.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.portal.e2e.Portal;
import com.microsoft.playwright.Page;

/**
 * Figures for docs/benchmarks.md (a test-scoped main, not a test; lines {@code BENCH key=value}), against a running
 * stack ({@code PORTAL_UI_URL}, demo passwords in the environment as {@code ./portal up} writes them):
 * <ul>
 *   <li>{@code login N} and {@code login-uncompressed N}: N fresh browser sessions, each from opening the portal through Keycloak's login form to the
 *   home page rendered with the user's teams; p50/p95 and the bytes the browser transferred.</li>
 *   <li>{@code sessions N}: the UI server's heap after a GC with no session, then with N signed-in tabs open
 *   (needs {@code PORTAL_UI_PID} and {@code PORTAL_UI_MANAGEMENT_URL}, whose {@code /actuator/prometheus} it reads).</li>
 *   <li>{@code launch N user team}: N notebooks (1 GPU of {@code PORTAL_BENCH_GPU_TYPE}, default A100) launched from the
 *   launch dialog: click → "Running" shown in the list (pushed), and click → JupyterLab usable (its launcher shown
 *   through the portal's proxy); each is deleted with its workspace afterwards.</li>
 *   <li>{@code push SECONDS user team}: WebSocket (server push) bytes and frames the browser receives for one open
 *   workload detail, while its job writes 100 log lines a second, against the same page of a job that writes
 *   nothing (same run).</li>
 * </ul>
 */
public final class UiBenchmark {

    /** The GPU type launches ask for: {@code PORTAL_BENCH_GPU_TYPE}, else A100. */
    private static final String GPU_TYPE = System.getenv().getOrDefault("PORTAL_BENCH_GPU_TYPE", "A100");

    private UiBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "login";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String user = args.length > 2 ? args[2] : "alice";
        String team = args.length > 3 ? args[3] : "demo";
        try (Portal portal = new Portal()) {
            switch (mode) {
                case "login" -> login(portal, rounds, user, false);
                case "login-uncompressed" -> login(portal, rounds, user, true);
                case "sessions" -> sessions(portal, rounds, user);
                case "launch" -> launch(portal, rounds, user, team);
                case "push" -> push(portal, rounds, user, team);
                default -> throw new IllegalArgumentException("login, login-uncompressed, sessions, launch or push");
            }
        }
    }

    /**
     * With {@code uncompressed}, the browser asks for no content encoding ({@code Accept-Encoding: identity}): the
     * same server, the same run, as it was before response compression was switched on.
     */
    private static void login(Portal portal, int rounds, String user, boolean uncompressed) {
        List<Double> millis = new ArrayList<>();
        List<Long> bytes = new ArrayList<>();
        for (int i = 0; i < rounds + 1; i++) {
            Page page = portal.newSession("en-US", 1280, 800);
            if (uncompressed) {
                page.context().setExtraHTTPHeaders(java.util.Map.of("Accept-Encoding", "identity"));
            }
            long start = System.nanoTime();
            Portal.logIn(page, user);
            page.locator("#team-list, #no-teams").first().waitFor();
            double elapsed = (System.nanoTime() - start) / 1e6;
            long transferred = ((Number) page.evaluate("() => performance.getEntriesByType('resource')"
                    + ".concat(performance.getEntriesByType('navigation'))"
                    + ".reduce((sum, e) => sum + (e.transferSize || 0), 0)")).longValue();
            page.context().close();
            if (i == 0) {
                continue; // the first round warms the JIT and Keycloak's caches
            }
            millis.add(elapsed);
            bytes.add(transferred);
        }
        Collections.sort(millis);
        System.out.printf("BENCH compression=%s%n", uncompressed ? "off (Accept-Encoding: identity)" : "on");
        System.out.printf("BENCH login_home_rounds=%d%n", millis.size());
        System.out.printf("BENCH login_home_p50_ms=%.0f%n", percentile(millis, 50));
        System.out.printf("BENCH login_home_p95_ms=%.0f%n", percentile(millis, 95));
        System.out.printf("BENCH home_transfer_bytes_median=%d%n", bytes.stream().sorted().toList().get(bytes.size() / 2));
    }

    private static void sessions(Portal portal, int count, String user) throws Exception {
        long before = heapAfterGc();
        List<Page> pages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Page page = portal.newSession("en-US", 1280, 800);
            Portal.logIn(page, user);
            page.locator("#team-list, #no-teams").first().waitFor();
            pages.add(page);
        }
        Thread.sleep(5_000);
        long after = heapAfterGc();
        System.out.printf("BENCH sessions=%d%n", count);
        System.out.printf("BENCH heap_before_mib=%.1f%n", before / 1048576.0);
        System.out.printf("BENCH heap_with_sessions_mib=%.1f%n", after / 1048576.0);
        System.out.printf("BENCH heap_per_session_kib=%.0f%n", (after - before) / 1024.0 / count);
        pages.forEach(page -> page.context().close());
    }

    private static void launch(Portal portal, int rounds, String user, String team) {
        List<Double> running = new ArrayList<>();
        List<Double> usable = new ArrayList<>();
        Page page = portal.newSession("en-US", 1280, 800);
        Portal.logIn(page, user);
        page.setDefaultTimeout(600_000);
        for (int i = 0; i < rounds; i++) {
            String name = "bench-" + Long.toString(System.nanoTime() % 1_000_000L, 36);
            page.navigate(Portal.url() + "/teams/" + team + "/notebooks");
            page.locator("#launch-notebook").click();
            page.locator("#notebook-name input").fill(name);
            // a GPU type the team has quota for (the demo team: A100 and T4); the count follows as 1
            page.locator("#notebook-gpu-type").click();
            page.locator("vaadin-select-item").filter(new com.microsoft.playwright.Locator.FilterOptions()
                    .setHasText(GPU_TYPE)).first().click();
            page.locator("#launch-verdict .portal-ok").waitFor();
            long start = System.nanoTime();
            page.locator("#launch-submit").click();
            page.locator(".portal-status[data-workload='" + name + "'] .portal-phase[data-phase='Running']").waitFor();
            running.add((System.nanoTime() - start) / 1e6);
            Page lab = page.waitForPopup(() -> page.locator("#open-" + name).click());
            lab.setDefaultTimeout(600_000);
            lab.locator(".jp-LauncherCard").first().waitFor();
            usable.add((System.nanoTime() - start) / 1e6);
            lab.close();
            page.locator("#delete-" + name).click();
            page.locator("#delete-workspace input").check();
            page.locator("#confirm-delete-workload vaadin-button[slot='confirm-button']").click();
            page.locator(".portal-status[data-workload='" + name + "']").waitFor(
                    new com.microsoft.playwright.Locator.WaitForOptions().setState(
                            com.microsoft.playwright.options.WaitForSelectorState.DETACHED));
            System.out.printf("BENCH round=%d running_ms=%.0f lab_usable_ms=%.0f%n", i + 1, running.getLast(),
                    usable.getLast());
        }
        Collections.sort(running);
        Collections.sort(usable);
        System.out.printf("BENCH launch_rounds=%d%n", running.size());
        System.out.printf("BENCH launch_running_p50_ms=%.0f%n", percentile(running, 50));
        System.out.printf("BENCH launch_running_p95_ms=%.0f%n", percentile(running, 95));
        System.out.printf("BENCH launch_lab_usable_p50_ms=%.0f%n", percentile(usable, 50));
        System.out.printf("BENCH launch_lab_usable_p95_ms=%.0f%n", percentile(usable, 95));
        page.context().close();
    }

    private static void push(Portal portal, int seconds, String user, String team) throws Exception {
        Page page = portal.newSession("en-US", 1280, 800);
        Portal.logIn(page, user);
        page.setDefaultTimeout(600_000);
        String quiet = submit(page, team, "quiet", "python -u -c \"import time; time.sleep(3600)\"");
        // about 100 lines a second (a 10 ms sleep between lines), on one line as the command field takes it
        String loud = submit(page, team, "loud", "python -u -c \"import time; [print(f'step {i} loss "
                + "{1/(i+1):.6f}') or time.sleep(0.01) for i in range(10**7)]\"");
        for (String job : List.of(quiet, loud)) {
            page.navigate(Portal.url() + "/teams/" + team + "/jobs");
            page.locator(".portal-status[data-workload='" + job + "'] .portal-phase[data-phase='Running']").waitFor();
        }
        for (String job : List.of(quiet, loud)) {
            Page detail = portal.newSession("en-US", 1280, 800);
            Portal.logIn(detail, user);
            long[] bytes = new long[1];
            long[] frames = new long[1];
            detail.onWebSocket(socket -> socket.onFrameReceived(frame -> {
                bytes[0] += frame.text() != null ? frame.text().length() : frame.binary().length;
                frames[0]++;
            }));
            detail.navigate(Portal.url() + "/teams/" + team + "/workloads/" + job);
            detail.locator("#log-tail").waitFor();
            Thread.sleep(5_000); // the page's first load is not what an open page costs
            long startBytes = bytes[0];
            long startFrames = frames[0];
            int lines = detail.locator("#log-lines .portal-log-line").count();
            Thread.sleep(seconds * 1000L);
            int shown = detail.locator("#log-lines .portal-log-line").count();
            System.out.printf("BENCH job=%s seconds=%d push_bytes_per_s=%.0f push_frames_per_s=%.1f "
                            + "log_lines_shown_before=%d after=%d%n", job, seconds,
                    (bytes[0] - startBytes) / (double) seconds, (frames[0] - startFrames) / (double) seconds,
                    lines, shown);
            detail.context().close();
        }
        for (String job : List.of(quiet, loud)) {
            page.navigate(Portal.url() + "/teams/" + team + "/jobs");
            page.locator("#cancel-" + job).click();
        }
        page.context().close();
    }

    /** A CPU job from the submit dialog; its name. */
    private static String submit(Page page, String team, String prefix, String command) {
        String name = prefix + "-" + Long.toString(System.nanoTime() % 1_000_000L, 36);
        page.navigate(Portal.url() + "/teams/" + team + "/jobs");
        page.locator("#submit-job").click();
        page.locator("#job-name input").fill(name);
        page.locator("#job-command input").fill(command);
        page.locator("#submit-verdict").waitFor();
        page.locator("#submit-job-submit").click();
        page.locator("#submit-job-dialog").waitFor(new com.microsoft.playwright.Locator.WaitForOptions().setState(
                com.microsoft.playwright.options.WaitForSelectorState.DETACHED));
        return name;
    }

    /** The UI server's used heap right after a full GC (jcmd on its pid, then its Prometheus endpoint). */
    private static long heapAfterGc() throws Exception {
        String pid = System.getenv("PORTAL_UI_PID");
        new ProcessBuilder("jcmd", pid, "GC.run").inheritIO().start().waitFor();
        Thread.sleep(500);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                System.getenv("PORTAL_UI_MANAGEMENT_URL") + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        var matcher = java.util.regex.Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.E+]+)$")
                .matcher(response.body());
        double used = 0;
        boolean found = false;
        while (matcher.find()) {
            used += Double.parseDouble(matcher.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no heap figure in the UI's Prometheus metrics");
        }
        return (long) used;
    }

    private static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
