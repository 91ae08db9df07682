package ai.portal.ui.i18n;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Which language a browser gets: the one chosen in the user menu (kept in a cookie, so it also holds on the next
 * visit and on Keycloak's login page), otherwise the browser's preferred languages, otherwise English.
 */
public final class LocalePreference {

    public static final String COOKIE = "portal-locale";
    static final int ONE_YEAR = 365 * 24 * 3600;

    private LocalePreference() {
    }

    public static Locale of(HttpServletRequest request) {
        return chosen(request.getCookies()).orElseGet(() -> fromAcceptLanguage(request.getHeader("Accept-Language")));
    }

    static Optional<Locale> chosen(Cookie[] cookies) {
        if (cookies == null) {
            return Optional.empty();
        }
        return Arrays.stream(cookies).filter(cookie -> COOKIE.equals(cookie.getName())).findFirst()
                .map(cookie -> PortalI18NProvider.supported(Locale.forLanguageTag(cookie.getValue())));
    }

    /** The first language of the header the portal speaks; English when none is. */
    static Locale fromAcceptLanguage(String header) {
        if (header == null || header.isBlank()) {
            return PortalI18NProvider.ENGLISH;
        }
        try {
            for (Locale.LanguageRange range : Locale.LanguageRange.parse(header)) {
                String language = Locale.forLanguageTag(range.getRange()).getLanguage();
                if ("zh".equals(language)) {
                    return PortalI18NProvider.CHINESE;
                }
                if ("en".equals(language)) {
                    return PortalI18NProvider.ENGLISH;
                }
            }
        } catch (IllegalArgumentException malformed) {
            // a header no browser sends: fall through to English
        }
        return PortalI18NProvider.ENGLISH;
    }

    /** The cookie that keeps a choice from the user menu. */
    public static Cookie cookie(Locale locale, String contextPath) {
        Cookie cookie = new Cookie(COOKIE, PortalI18NProvider.supported(locale).toLanguageTag());
        cookie.setPath(contextPath == null || contextPath.isEmpty() ? "/" : contextPath);
        cookie.setMaxAge(ONE_YEAR);
        cookie.setHttpOnly(true);
        cookie.setAttribute("SameSite", "Lax");
        return cookie;
    }

    /** The language tag Keycloak's {@code ui_locales} parameter expects: {@code en} or {@code zh-CN}. */
    public static String keycloakTag(Locale locale) {
        return PortalI18NProvider.supported(locale).toLanguageTag();
    }
}
