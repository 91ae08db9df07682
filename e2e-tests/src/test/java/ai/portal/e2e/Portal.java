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
final class Portal implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final Playwright playwright;
    private final Browser browser;

    Portal() {
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

    static String url() {
        return env("PORTAL_UI_URL", "http://localhost:8080");
    }

    static String password(String user) {
        String password = System.getenv(user.toUpperCase() + "_PASSWORD");
        if (password == null) {
            throw new IllegalStateException(user.toUpperCase() + "_PASSWORD is not set: run the browser tests "
                    + "through ./portal test, which starts the stack and passes the demo logins.");
        }
        return password;
    }

    Page newSession() {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
        context.setDefaultTimeout(30_000);
        return context.newPage();
    }

    /** Opens the portal, which sends the browser to Keycloak's own login form, and signs in there. */
    static void logIn(Page page, String user) {
        page.navigate(url());
        page.locator("#username").fill(user);
        page.locator("#password").fill(password(user));
        page.locator("#kc-login").click();
        page.waitForURL(url() + "/**");
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
