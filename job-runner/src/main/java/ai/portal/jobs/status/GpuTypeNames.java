package ai.portal.jobs.status;

import java.util.regex.Pattern;

/** Short names people use for GPU products: {@code NVIDIA-H100-80GB-HBM3} is "H100", {@code Tesla-T4} is "T4". */
public final class GpuTypeNames {

    private static final Pattern MODEL = Pattern.compile("[A-Z]{1,3}[0-9]{1,4}[a-z]?");

    private GpuTypeNames() {
    }

    public static String shortName(String product) {
        if (product == null) {
            return "";
        }
        for (String part : product.split("[-_ ]")) {
            if (MODEL.matcher(part).matches() && !part.startsWith("SXM") && !part.startsWith("PCIE")) {
                return part;
            }
        }
        return product;
    }
}
