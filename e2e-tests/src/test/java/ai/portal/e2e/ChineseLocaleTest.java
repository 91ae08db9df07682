package ai.portal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A browser that prefers Simplified Chinese gets Keycloak's login page and every view of the portal in Chinese:
 * no English sentence of the portal's bundle shows, no key is missing. The user menu switches language, and the
 * choice holds on Keycloak's pages too.
 */
class ChineseLocaleTest {

    private static final Pattern MISSING_KEY = Pattern.compile("![a-z][a-z0-9-]*(\\.[a-zA-Z0-9-]+)+!");
    private static Portal portal;
    private static List<String> englishSentences;

    @BeforeAll
    static void openBrowser() throws IOException {
        portal = new Portal();
        englishSentences = englishSentences();
    }

    @AfterAll
    static void closeBrowser() {
        portal.close();
    }

    @Test
    void everyViewIsInChineseForAChineseBrowser() {
        Page page = portal.newSession("zh-CN", 1280, 900);
        page.navigate(Portal.url());
        assertThat(page).hasURL(Pattern.compile(".*ui_locales=zh-CN.*"));
        assertThat(page.locator("#kc-page-title")).containsText("登录");
        Portal.screenshot(page, "zh-keycloak-login");
        page.locator("#username").fill("admin");
        page.locator("#password").fill(Portal.password("admin"));
        page.locator("#kc-login").click();
        page.waitForURL(Portal.url() + "/**");

        assertThat(page.locator("#welcome")).containsText("欢迎");
        assertThat(page).hasTitle(Pattern.compile(".*AI 门户"));
        translated(page, "zh-home");
        for (String[] view : new String[][] {
                {"/admin/teams", "#teams-grid", "zh-admin-teams"},
                {"/admin/quota-requests", "#admin-quota-requests", "zh-admin-requests"},
                {"/admin/access-requests", "#admin-access-requests", "zh-admin-access-requests"},
                {"/admin/gpu-types", "#gpu-types", "zh-admin-gpu-types"},
                {"/admin/idle-limits", "#idle-platform-form", "zh-admin-idle-limits"},
                {"/admin/audit", "#audit-events", "zh-admin-audit"},
                {"/no/such/page", "#not-found", "zh-not-found"}}) {
            page.navigate(Portal.url() + view[0]);
            assertThat(page.locator(view[1])).isVisible();
            translated(page, view[2]);
        }
        page.navigate(Portal.url() + "/admin/teams");
        page.locator("#create-team").click();
        assertThat(page.locator("#new-team-slug")).isVisible();
        translated(page, "zh-create-team");
        // a team of this test's own, so its page exists whatever ran before on this stack
        String team = "zh-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        page.locator("#new-team-slug input").fill(team);
        page.locator("#new-team-name input").fill("视觉组 " + team);
        page.locator("#new-team-owner input").fill("carol");
        page.locator("#create-team-submit").click();
        assertThat(page.locator("#create-team-dialog")).hasCount(0);

        page.locator("#admin-team-" + team).click();
        assertThat(page.locator("#team-header")).isVisible();
        assertThat(page.locator("#team-members")).not().hasAttribute("aria-busy", "true");
        translated(page, "zh-team");

        Portal.logOut(page);
        assertThat(page.locator("#signed-out")).hasText("您已退出登录");
        translated(page, "zh-signed-out");
        page.context().close();
    }

    @Test
    void theUserMenuSwitchesToChineseAndKeycloakFollows() {
        Page page = portal.signedIn("bob");
        assertThat(page.locator("#welcome")).containsText("Welcome");
        Portal.userMenu(page, "menu-language", "language-zh-CN");
        assertThat(page.locator("#welcome")).containsText("欢迎");
        translated(page, "zh-bob-home");
        Portal.logOut(page);
        page.locator("#sign-in-again").click();
        assertThat(page).hasURL(Pattern.compile(".*ui_locales=zh-CN.*"));
        assertThat(page.locator("#kc-page-title")).containsText("登录");
        page.context().close();
    }

    /** No English sentence of the portal's bundle and no missing key on the page; a screenshot for the record. */
    private static void translated(Page page, String screenshot) {
        page.waitForLoadState();
        page.waitForFunction("() => !document.querySelector('[aria-busy=true]')");
        // Text a view marks as English on purpose (a service's own message, quoted) is data, not a label.
        String text = (String) page.evaluate("""
                () => [...document.querySelectorAll('[lang=en]')].map(quoted => quoted.innerText)
                        .reduce((rest, quoted) => rest.replace(quoted, ''), document.body.innerText)""");
        assertThat(MISSING_KEY.matcher(text).find()).as("missing translation key on " + screenshot + ":\n" + text)
                .isFalse();
        List<String> english = new ArrayList<>();
        for (String sentence : englishSentences) {
            if (text.contains(sentence)) {
                english.add(sentence);
            }
        }
        assertThat(english).as("English left on " + screenshot).isEmpty();
        Portal.screenshot(page, screenshot);
    }

    /** The English bundle's messages that are real words (no arguments, at least two words, not the same in Chinese). */
    private static List<String> englishSentences() throws IOException {
        Properties english = load("messages.properties");
        Properties chinese = load("messages_zh_CN.properties");
        List<String> sentences = new ArrayList<>();
        for (String key : english.stringPropertyNames()) {
            String value = english.getProperty(key).replace("''", "'");
            if (!value.contains("{") && value.trim().contains(" ") && !value.equals(chinese.getProperty(key))) {
                sentences.add(value);
            }
        }
        assertThat(sentences).hasSizeGreaterThan(100);
        return sentences;
    }

    private static Properties load(String name) throws IOException {
        Properties properties = new Properties();
        Path bundle = Path.of("..", "portal-ui", "src", "main", "resources", "i18n", name);
        try (Reader reader = Files.newBufferedReader(bundle, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
