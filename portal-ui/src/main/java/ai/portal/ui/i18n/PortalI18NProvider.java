package ai.portal.ui.i18n;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

import com.vaadin.flow.i18n.I18NProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every visible string of the portal, from {@code i18n/messages.properties} (English) and
 * {@code i18n/messages_zh_CN.properties} (Simplified Chinese). Every message goes through {@link MessageFormat} in the
 * user's locale (so numbers in messages follow it, and an apostrophe is always written {@code ''}). A key missing from a bundle is a bug that
 * {@code TranslationBundlesTest} catches; at run time it shows as {@code !key!} rather than breaking the page.
 */
@Component
public class PortalI18NProvider implements I18NProvider {

    public static final Locale ENGLISH = Locale.ENGLISH;
    public static final Locale CHINESE = Locale.SIMPLIFIED_CHINESE;
    public static final List<Locale> LOCALES = List.of(ENGLISH, CHINESE);
    static final String BUNDLE = "i18n.messages";

    private static final Logger log = LoggerFactory.getLogger(PortalI18NProvider.class);
    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    @Override
    public List<Locale> getProvidedLocales() {
        return LOCALES;
    }

    @Override
    public String getTranslation(String key, Locale locale, Object... params) {
        Locale supported = supported(locale);
        String pattern;
        try {
            pattern = ResourceBundle.getBundle(BUNDLE, supported, NO_FALLBACK).getString(key);
        } catch (MissingResourceException missing) {
            log.warn("No translation of '{}' for {}", key, supported);
            return "!" + key + "!";
        }
        return new MessageFormat(pattern, supported).format(params);
    }

    /** The bundle locale closest to what was asked for: any Chinese is Simplified Chinese, the rest English. */
    public static Locale supported(Locale locale) {
        return locale != null && "zh".equals(locale.getLanguage()) ? CHINESE : ENGLISH;
    }
}
