package ai.portal.ui.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

/** The language a browser gets: the menu's choice (cookie) first, then its Accept-Language, then English. */
class LocalePreferenceTest {

    @Test
    void chineseBrowsersGetSimplifiedChinese() {
        assertThat(LocalePreference.fromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(LocalePreference.fromAcceptLanguage("zh")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
    }

    @Test
    void theFirstLanguageThePortalSpeaksWins() {
        assertThat(LocalePreference.fromAcceptLanguage("de-DE,en;q=0.8,zh;q=0.5")).isEqualTo(Locale.ENGLISH);
        assertThat(LocalePreference.fromAcceptLanguage("fr-FR,zh-CN;q=0.8")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(LocalePreference.fromAcceptLanguage("fr-FR")).isEqualTo(Locale.ENGLISH);
        assertThat(LocalePreference.fromAcceptLanguage(null)).isEqualTo(Locale.ENGLISH);
        assertThat(LocalePreference.fromAcceptLanguage("!!not a header")).isEqualTo(Locale.ENGLISH);
    }

    @Test
    void theMenuChoiceOverridesTheBrowser() {
        Cookie[] cookies = {new Cookie("other", "x"), LocalePreference.cookie(Locale.SIMPLIFIED_CHINESE, "")};
        assertThat(LocalePreference.chosen(cookies)).contains(Locale.SIMPLIFIED_CHINESE);
        assertThat(LocalePreference.chosen(null)).isEmpty();
        assertThat(LocalePreference.keycloakTag(Locale.SIMPLIFIED_CHINESE)).isEqualTo("zh-CN");
        assertThat(LocalePreference.keycloakTag(Locale.GERMAN)).isEqualTo("en");
    }
}
