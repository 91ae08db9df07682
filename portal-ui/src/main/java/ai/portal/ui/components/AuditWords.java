package ai.portal.ui.components;

import com.vaadin.flow.component.Component;

/** Audit actions ({@code team.create}, {@code member.add}, ...) in words; unknown ones as they are. */
public final class AuditWords {

    private AuditWords() {
    }

    public static String action(Component where, String action) {
        String key = "audit.action." + action;
        String words = where.getTranslation(key);
        return words.startsWith("!") ? action : words;
    }
}
