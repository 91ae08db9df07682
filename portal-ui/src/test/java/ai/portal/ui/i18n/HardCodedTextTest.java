package ai.portal.ui.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * No visible text written into the code: a string literal with letters handed to a component constructor or to a
 * method that sets visible text (label, placeholder, helper text, header, tooltip, aria-label, notification) fails
 * this test. Text must come from the bundles through {@code getTranslation}.
 */
class HardCodedTextTest {

    private static final Pattern VISIBLE_TEXT = Pattern.compile(
            "(?:new\\s+(?:Button|Span|Paragraph|H[1-6]|Anchor|RouterLink|Badge|ListItem|Text|NativeLabel|Tab|"
                    + "SideNavItem|TextField|TextArea|IntegerField|NumberField|EmailField|PasswordField|Checkbox|"
                    + "ComboBox|Select|DatePicker|DateTimePicker|ConfirmDialog|Details|Div)"
                    + "|\\.(?:setText|setLabel|setPlaceholder|setHelperText|setHeader|setHeaderTitle|setTitle|"
                    + "setAriaLabel|setTooltipText|setErrorMessage|addItem|setConfirmText|setCancelText|"
                    + "setRejectText|show))"
                    + "\\(\\s*\"([^\"]*\\p{L}[^\"]*)\"");

    @Test
    void viewsTakeEveryVisibleStringFromTheBundles() throws IOException {
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher matcher = VISIBLE_TEXT.matcher(source);
                while (matcher.find()) {
                    offences.add(file.getFileName() + ": \"" + matcher.group(1) + "\"");
                }
            }
        }
        assertThat(offences).as("visible strings written into the code instead of the bundles").isEmpty();
    }

    @Test
    void theScanCatchesAHardCodedLabel() {
        assertThat(VISIBLE_TEXT.matcher("Button b = new Button(\"Save\");").find()).isTrue();
        assertThat(VISIBLE_TEXT.matcher("field.setLabel(\"Name\")").find()).isTrue();
        assertThat(VISIBLE_TEXT.matcher("new Button(getTranslation(\"common.save\"))").find()).isFalse();
        assertThat(VISIBLE_TEXT.matcher("new Image(\"icons/favicon.svg\", \"\")").find()).isFalse();
    }
}
