package ai.portal.ui.workloads;

import java.util.ArrayList;
import java.util.List;

/**
 * A command typed on one line, split into words the way a shell would split it (spaces separate, quotes group),
 * but never run by a shell: the words become the container's command list as they are.
 */
final class CommandLine {

    private CommandLine() {
    }

    /** The words, or null when a quote is left open. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        if (line == null) {
            return words;
        }
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            return null;
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** The words back on one line, quoted where needed, for a form to show. */
    static String join(List<String> words) {
        List<String> shown = new ArrayList<>();
        for (String word : words) {
            shown.add(word.isEmpty() || word.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'')
                    ? "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : word);
        }
        return String.join(" ", shown);
    }
}
