package ai.portal.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

/**
 * The running local stack as a browser sees it: Debian's Chromium driven by Playwright, pointed at the portal that
 * {@code ./portal test} started. One browser per test class, one fresh context (no cookies) per user session.
 */
public final class Portal implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final Playwright playwright;
    private final Browser browser;

    public Portal() {
        // assertions wait as long as actions: on a loaded 2-core machine a first render can take tens of seconds
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(60_000);
        // Playwright must not fetch browsers: the machine has Debian's Chromium and no route to a download site.
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of(env("PORTAL_CHROMIUM", "/usr/bin/chromium")))
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        // Keycloak's certificate comes from the stack's own CA: trust exactly that CA's key
                        "--ignore-certificate-errors-spki-list=" + caKeyPin())));
    }

    /** SHA-256 of the stack CA's public key (SubjectPublicKeyInfo), base64: Chromium's pin for that CA alone. */
    private static String caKeyPin() {
        String caFile = env("PORTAL_CA_FILE", "");
        if (caFile.isEmpty()) {
            throw new IllegalStateException("PORTAL_CA_FILE is not set: run the browser tests through ./portal test.");
        }
        try (var in = java.nio.file.Files.newInputStream(Path.of(caFile))) {
            var ca = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(ca.getPublicKey().getEncoded());
            return java.util.Base64.getEncoder().encodeToString(digest);
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the stack's CA certificate " + caFile, e);
        }
    }

    public static String url() {
        return env("PORTAL_UI_URL", "http://localhost:8080");
    }

    public static String password(String user) {
        String password = System.getenv(user.toUpperCase() + "_PASSWORD");
        if (password == null) {
            throw new IllegalStateException(user.toUpperCase() + "_PASSWORD is not set: run the browser tests "
                    + "through ./portal test, which starts the stack and passes the demo logins.");
        }
        return password;
    }

    Page newSession() {
        return newSession("en-US", 1280, 800);
    }

    /** A fresh browser session (no cookies) whose browser prefers {@code locale}, at the given window size. */
    public Page newSession(String locale, int width, int height) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height)
                .setLocale(locale).setTimezoneId("Europe/Berlin"));
        // generous: on a loaded 2-core machine Keycloak plus the first Vaadin render can take tens of seconds
        context.setDefaultTimeout(60_000);
        return context.newPage();
    }

    /** A session already signed in as {@code user}. */
    Page signedIn(String user) {
        Page page = newSession();
        logIn(page, user);
        return page;
    }

    /** Opens the user menu at the foot of the drawer and chooses an entry by its id. */
    static void userMenu(Page page, String... path) {
        page.locator("#user-menu vaadin-menu-bar-button").first().click();
        for (String id : path) {
            page.locator("#" + id).click();
        }
    }

    static void logOut(Page page) {
        userMenu(page, "logout");
        page.waitForURL(url() + "/signed-out");
    }

    static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    /** Opens the portal, which sends the browser to Keycloak's own login form, and signs in there. */
    public static void logIn(Page page, String user) {
        page.navigate(url());
        page.locator("#username").fill(user);
        page.locator("#password").fill(password(user));
        page.locator("#kc-login").click();
        page.waitForURL(url() + "/**");
    }

    /**
     * Closes every session still open: a test that fails half-way leaves its pages open (a JupyterLab tab keeps
     * rendering and polling), and on a 2-core machine they slow every later test down.
     */
    void closeSessions() {
        List.copyOf(browser.contexts()).forEach(BrowserContext::close);
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
