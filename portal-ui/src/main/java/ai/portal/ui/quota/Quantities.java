package ai.portal.ui.quota;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * Kubernetes quantities ("500m", "32", "256Gi", "1Ti") as the quota form checks them while the user types and the
 * bars compare them. The backend validates again; this only saves a round trip.
 */
public final class Quantities {

    private static final Pattern QUANTITY = Pattern.compile("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$");

    private Quantities() {
    }

    public static boolean valid(String text) {
        return text != null && QUANTITY.matcher(text.strip()).matches();
    }

    /** The quantity's value in base units (cores, bytes); 0 when it is not a quantity. */
    public static BigDecimal value(String text) {
        if (!valid(text)) {
            return BigDecimal.ZERO;
        }
        String q = text.strip();
        int i = 0;
        while (i < q.length() && (Character.isDigit(q.charAt(i)) || q.charAt(i) == '.')) {
            i++;
        }
        BigDecimal number = new BigDecimal(q.substring(0, i));
        return number.multiply(multiplier(q.substring(i)));
    }

    private static BigDecimal multiplier(String suffix) {
        return switch (suffix) {
            case "" -> BigDecimal.ONE;
            case "m" -> new BigDecimal("0.001");
            case "k" -> BigDecimal.TEN.pow(3);
            case "M" -> BigDecimal.TEN.pow(6);
            case "G" -> BigDecimal.TEN.pow(9);
            case "T" -> BigDecimal.TEN.pow(12);
            case "P" -> BigDecimal.TEN.pow(15);
            case "E" -> BigDecimal.TEN.pow(18);
            case "Ki" -> BigDecimal.valueOf(2).pow(10);
            case "Mi" -> BigDecimal.valueOf(2).pow(20);
            case "Gi" -> BigDecimal.valueOf(2).pow(30);
            case "Ti" -> BigDecimal.valueOf(2).pow(40);
            case "Pi" -> BigDecimal.valueOf(2).pow(50);
            case "Ei" -> BigDecimal.valueOf(2).pow(60);
            default -> BigDecimal.ZERO;
        };
    }

    /** CPU cores as people read them: "0.5", "16" (a quantity such as "500m" or a plain number of cores). */
    public static String cores(String text) {
        BigDecimal cores = text != null && text.matches("^[0-9]+(\\.[0-9]+)?$") ? new BigDecimal(text) : value(text);
        return cores.setScale(cores.compareTo(BigDecimal.TEN) >= 0 ? 0 : 1, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }

    /** Bytes in binary units as people read them: "512 MiB", "1.5 TiB" (plain bytes or a quantity). */
    public static String bytes(String text) {
        BigDecimal bytes = value(text);
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int unit = 0;
        BigDecimal step = BigDecimal.valueOf(1024);
        while (unit < units.length - 1 && bytes.compareTo(step) >= 0) {
            bytes = bytes.divide(step, 3, RoundingMode.HALF_UP);
            unit++;
        }
        return bytes.setScale(bytes.compareTo(BigDecimal.TEN) >= 0 ? 0 : 1, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString() + " " + units[unit];
    }

    /** A CPU request for {@code cores}, rounded up to 10 millicores (at least 10m): "230m". */
    public static String cpuRequest(BigDecimal cores) {
        return cores.movePointRight(3).divide(BigDecimal.TEN, 0, RoundingMode.CEILING).multiply(BigDecimal.TEN)
                .max(BigDecimal.TEN).toPlainString() + "m";
    }

    /** A memory request for {@code bytes}, rounded up to a multiple of {@code stepMi} mebibytes: "768Mi". */
    public static String memoryRequest(BigDecimal bytes, int stepMi) {
        BigDecimal step = BigDecimal.valueOf((long) stepMi << 20);
        return bytes.divide(step, 0, RoundingMode.CEILING).max(BigDecimal.ONE).multiply(BigDecimal.valueOf(stepMi))
                .toPlainString() + "Mi";
    }
}
