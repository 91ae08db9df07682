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
 *   (needs {@code PORTAL_UI_PID} and {@code PORTAL_UI_MANAGEMENT_URL}).</li>
 * </ul>
 */
public final class UiBenchmark {

    private UiBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "login";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String user = args.length > 2 ? args[2] : "alice";
        try (Portal portal = new Portal()) {
            switch (mode) {
                case "login" -> login(portal, rounds, user, false);
                case "login-uncompressed" -> login(portal, rounds, user, true);
                case "sessions" -> sessions(portal, rounds, user);
                default -> throw new IllegalArgumentException("login or sessions");
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

    /** The UI server's used heap right after a full GC (jcmd on its pid, then its actuator). */
    private static long heapAfterGc() throws Exception {
        String pid = System.getenv("PORTAL_UI_PID");
        new ProcessBuilder("jcmd", pid, "GC.run").inheritIO().start().waitFor();
        Thread.sleep(500);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                System.getenv("PORTAL_UI_MANAGEMENT_URL") + "/actuator/metrics/jvm.memory.used?tag=area:heap")).build(),
                HttpResponse.BodyHandlers.ofString());
        var matcher = java.util.regex.Pattern.compile("\"value\"\\s*:\\s*([0-9.E+]+)").matcher(response.body());
        if (!matcher.find()) {
            throw new IllegalStateException("no heap figure in " + response.body());
        }
        return (long) Double.parseDouble(matcher.group(1));
    }

    private static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
