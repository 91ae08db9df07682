package ai.portal.jobs.cluster;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Reading fields out of the untyped maps of a {@link io.fabric8.kubernetes.api.model.GenericKubernetesResource}
 * (Kueue's objects have no fabric8 model classes). Every reader is total: a missing or odd field gives the
 * fallback, never an exception, because another Kueue version may leave a field out.
 */
final class Fields {

    private Fields() {
    }

    static Object at(Object root, String... path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    static String string(Object root, String... path) {
        Object value = at(root, path);
        return value == null ? null : String.valueOf(value);
    }

    static int integer(Object root, int fallback, String... path) {
        Object value = at(root, path);
        if (value instanceof Number number) {
            return number.intValue();
        }
        try {
            return value == null ? fallback : Integer.parseInt(String.valueOf(value));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object root, String... path) {
        Object value = at(root, path);
        return value instanceof List<?> list ? (List<Object>) list : List.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, String... path) {
        Object value = at(root, path);
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    static Instant instant(Object root, String... path) {
        String value = string(root, path);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A Kubernetes quantity as a number (cores, bytes, GPUs); null when absent or unreadable. */
    static BigDecimal quantity(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Quantity.getAmountInBytes(new Quantity(String.valueOf(value)));
        } catch (IllegalArgumentException | ArithmeticException e) {
            return null;
        }
    }
}
