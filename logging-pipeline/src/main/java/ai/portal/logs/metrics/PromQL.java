package ai.portal.logs.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The only way this package writes PromQL: a metric name from {@link GpuSignal} and label matchers whose values are
 * always quoted (and, for regex matchers, escaped for RE2), so no value, whatever it holds, can end a string or
 * change the query. Values come from the access check (the team's namespace) and the pod informer, never from a
 * request parameter.
 */
final class PromQL {

    private PromQL() {
    }

    /** A selector under construction: {@code metric{label="value",...}}. */
    static Selector select(String metric) {
        return new Selector(metric, List.of());
    }

    record Selector(String metric, List<String> matchers) {

        Selector eq(String label, String value) {
            return with(label + "=" + quote(value));
        }

        Selector present(String label) {
            return with(label + "!=\"\"");
        }

        /** {@code label=~"a|b"}: any of the values, each matched literally. */
        Selector in(String label, Collection<String> values) {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("no values for " + label);
            }
            return with(label + "=~" + quote(values.stream().map(PromQL::literalRegex).sorted()
                    .collect(Collectors.joining("|"))));
        }

        private Selector with(String matcher) {
            List<String> all = new ArrayList<>(matchers);
            all.add(matcher);
            return new Selector(metric, List.copyOf(all));
        }

        @Override
        public String toString() {
            return metric + (matchers.isEmpty() ? "" : "{" + String.join(",", matchers) + "}");
        }
    }

    /** A PromQL string literal: backslashes, quotes and line breaks escaped. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** An RE2 pattern that matches exactly this text. */
    static String literalRegex(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** A PromQL duration: whole seconds, or milliseconds below a second's precision. */
    static String duration(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    static String number(double value) {
        return String.format(Locale.ROOT, "%s", value);
    }
}
