package ai.portal.ui.i18n;

import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.VaadinSession;

/**
 * Dates, times and numbers in the user's locale and time zone (the browser's, learnt when the UI starts; UTC until
 * then). Every date the portal shows goes through here.
 */
public final class Formats {

    static final String ZONE_ATTRIBUTE = Formats.class.getName() + ".zone";

    private Formats() {
    }

    public static String dateTime(Instant instant) {
        if (instant == null) {
            return "";
        }
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale()).withZone(zone())
                .format(instant);
    }

    public static String date(Instant instant) {
        if (instant == null) {
            return "";
        }
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale()).withZone(zone())
                .format(instant);
    }

    /** A time of day with seconds, for log lines: 14:03:07. */
    public static String time(Instant instant) {
        if (instant == null) {
            return "";
        }
        return DateTimeFormatter.ofPattern("HH:mm:ss").withLocale(locale()).withZone(zone()).format(instant);
    }

    public static String number(Number number) {
        return number == null ? "" : NumberFormat.getNumberInstance(locale()).format(number);
    }

    /** A quantity such as hours with one decimal at most: 12.5, 1,234.1. */
    public static String decimal(double value) {
        NumberFormat format = NumberFormat.getNumberInstance(locale());
        format.setMinimumFractionDigits(1);
        format.setMaximumFractionDigits(1);
        return format.format(value);
    }

    /** Cores with two decimals at most: 2, 0.23. */
    public static String cores(java.math.BigDecimal cores) {
        NumberFormat format = NumberFormat.getNumberInstance(locale());
        format.setMaximumFractionDigits(cores.compareTo(java.math.BigDecimal.valueOf(0.01)) < 0 ? 3 : 2);
        return format.format(cores);
    }

    /** Bytes in binary units with one decimal at most: 512 MiB, 2.3 GiB. */
    public static String bytes(java.math.BigDecimal bytes) {
        double value = bytes.doubleValue();
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        NumberFormat format = NumberFormat.getNumberInstance(locale());
        format.setMaximumFractionDigits(1);
        return format.format(value) + " " + units[unit];
    }

    public static String percent(double fraction) {
        NumberFormat percent = NumberFormat.getPercentInstance(locale());
        percent.setMaximumFractionDigits(0);
        return percent.format(fraction);
    }

    /** A duration for people: "3 h 5 min" / "3 小时 5 分钟", from the bundles. */
    public static String duration(Duration duration) {
        UI ui = UI.getCurrent();
        long minutes = Math.max(0, duration.toMinutes());
        if (ui == null) {
            return minutes + " min";
        }
        if (minutes < 1) {
            return ui.getTranslation("duration.under-a-minute");
        }
        if (minutes < 60) {
            return ui.getTranslation("duration.minutes", minutes);
        }
        if (minutes < 48 * 60) {
            return ui.getTranslation("duration.hours-minutes", minutes / 60, minutes % 60);
        }
        // "7 d 0 h", not "168 h 0 min": beyond two days the minutes say nothing
        return ui.getTranslation("duration.days-hours", minutes / (24 * 60), minutes / 60 % 24);
    }

    public static Locale locale() {
        UI ui = UI.getCurrent();
        return PortalI18NProvider.supported(ui == null ? Locale.ENGLISH : ui.getLocale());
    }

    public static ZoneId zone() {
        VaadinSession session = VaadinSession.getCurrent();
        Object zone = session == null ? null : session.getAttribute(ZONE_ATTRIBUTE);
        return zone instanceof ZoneId id ? id : ZoneId.of("UTC");
    }

    /** Remembers the browser's time zone for this session (called once the browser has told it). */
    public static void useZone(VaadinSession session, String zoneId) {
        try {
            session.setAttribute(ZONE_ATTRIBUTE, ZoneId.of(zoneId));
        } catch (RuntimeException unknownZone) {
            session.setAttribute(ZONE_ATTRIBUTE, ZoneId.of("UTC"));
        }
    }
}
