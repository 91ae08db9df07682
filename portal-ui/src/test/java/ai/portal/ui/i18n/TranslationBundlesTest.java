package ai.portal.ui.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ai.portal.ui.admin.AccessRequestsView;
import ai.portal.ui.admin.AuditView;
import ai.portal.ui.backend.Backend;
import ai.portal.ui.backend.JobsApi.UsageGrouping;
import ai.portal.ui.metrics.GpuPanels;
import ai.portal.ui.workloads.WorkloadWords;
import org.junit.jupiter.api.Test;

/**
 * Both languages say everything: the two bundles have the same keys, every key the code asks for exists, every
 * message is a valid MessageFormat using the same arguments in both languages, and the Chinese bundle is really
 * translated (no English sentence left in it).
 */
class TranslationBundlesTest {

    /** Methods that take a bundle key as their first string argument. */
    private static final Pattern KEY_USE = Pattern.compile(
            "(?:getTranslation|notAvailableYet|load|message|failure|failed|text|count|item|translate)\\(\\s*"
                    + "(?:[a-zA-Z.]+,\\s*)?\"([a-z][a-z0-9-]*(?:\\.[a-zA-Z0-9-]+)+)\"");
    private static final Pattern TERNARY_KEYS = Pattern.compile("\\?\\s*\"([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)+)\"\\s*:\\s*\"([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)+)\"");
    private static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)");

    private final Properties english = load("i18n/messages.properties");
    private final Properties chinese = load("i18n/messages_zh_CN.properties");

    @Test
    void bothBundlesHaveTheSameKeys() {
        assertThat(new TreeSet<>(chinese.stringPropertyNames()))
                .as("keys of the Chinese bundle").isEqualTo(new TreeSet<>(english.stringPropertyNames()));
    }

    @Test
    void noKeyIsWrittenTwice() throws IOException {
        for (String bundle : List.of("i18n/messages.properties", "i18n/messages_zh_CN.properties")) {
            Set<String> seen = new java.util.HashSet<>();
            List<String> twice = new ArrayList<>();
            try (var in = getClass().getClassLoader().getResourceAsStream(bundle)) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    int equals = line.indexOf('=');
                    if (!line.isBlank() && !line.startsWith("#") && equals > 0 && !seen.add(line.substring(0, equals))) {
                        twice.add(line.substring(0, equals));
                    }
                }
            }
            // the second one silently wins: a label would show another message's text
            assertThat(twice).as("keys written twice in %s", bundle).isEmpty();
        }
    }

    @Test
    void everyKeyTheCodeUsesExistsInBothLanguages() throws IOException {
        Set<String> used = usedKeys();
        assertThat(used).as("keys found in the sources (the scan itself works)").hasSizeGreaterThan(150);
        for (String key : used) {
            assertThat(english).as("English has %s", key).containsKey(key);
            assertThat(chinese).as("Chinese has %s", key).containsKey(key);
        }
    }

    @Test
    void keysBuiltAtRunTimeExistForEveryValue() {
        List<String> keys = new ArrayList<>();
        for (String role : List.of("owner", "member", "viewer")) {
            keys.add("team-role." + role);
            keys.add("team-role." + role + ".help");
        }
        for (String phase : List.of("Ready", "Provisioning", "Error", "Deleting")) {
            keys.add("team-phase." + phase);
        }
        for (String status : List.of("pending", "approved", "rejected", "withdrawn")) {
            keys.add("request-status." + status);
        }
        for (String outcome : List.of("success", "denied", "rejected", "failed")) {
            keys.add("outcome." + outcome);
        }
        for (String role : List.of("platform-admin", "data-scientist")) {
            keys.add("role." + role);
        }
        for (Backend backend : Backend.values()) {
            keys.add("backend." + backend.name().toLowerCase(Locale.ROOT));
        }
        for (Locale locale : PortalI18NProvider.LOCALES) {
            keys.add("language." + locale.toLanguageTag());
        }
        for (String theme : List.of("system", "light", "dark")) {
            keys.add("theme." + theme);
        }
        for (String status : AccessRequestsView.STATUSES) {
            keys.add("request-status." + status);
        }
        for (String action : AuditView.ACTIONS) {
            keys.add("audit.action." + action);
        }
        WorkloadWords.PHASES.forEach(phase -> keys.add("phase." + phase));
        WorkloadWords.STAGES.forEach(stage -> keys.add("stage." + stage));
        WorkloadWords.REASON_ARGUMENTS.keySet().forEach(code -> keys.add("reason." + code));
        WorkloadWords.PLAIN_REASONS.forEach(code -> keys.add("reason." + code));
        WorkloadWords.CHECK_CODES.forEach(code -> keys.add("check." + code));
        WorkloadWords.HISTORY_TYPES.forEach(type -> keys.add("history." + type));
        WorkloadWords.KINDS.forEach(kind -> keys.add("kind." + kind));
        WorkloadWords.CONFIDENCES.forEach(confidence -> keys.add("confidence." + confidence));
        WorkloadWords.PRIORITIES.forEach(priority -> keys.add("priority." + priority));
        WorkloadWords.LOG_LEVELS.forEach(level -> keys.add("logs.level." + level));
        GpuPanels.RANGES.forEach(range -> keys.add("gpu.range." + range));
        for (UsageGrouping grouping : UsageGrouping.values()) {
            keys.add("usage.by." + grouping.wire());
        }
        for (String key : keys) {
            assertThat(english).as("English has %s", key).containsKey(key);
            assertThat(chinese).as("Chinese has %s", key).containsKey(key);
        }
    }

    @Test
    void everyMessageIsAValidPatternWithTheSameArgumentsInBothLanguages() {
        for (String key : english.stringPropertyNames()) {
            String en = english.getProperty(key);
            String zh = chinese.getProperty(key, "");
            new MessageFormat(en, Locale.ENGLISH);
            new MessageFormat(zh, Locale.SIMPLIFIED_CHINESE);
            assertThat(arguments(zh)).as("arguments of %s in Chinese", key).isEqualTo(arguments(en));
        }
    }

    @Test
    void theChineseBundleIsTranslated() {
        // A Chinese message is allowed Latin words (product names, units, examples) but must contain Chinese,
        // except for the few that are the same in every language.
        Set<String> sameInEveryLanguage = Set.of("language.en", "language.zh-CN", "quota.resource.cpu",
                "quota.field.cpu", "quota.summary.gpu", "duration.minutes", "admin.gpus.memory-gib",
                "team.request.decision", "quota.help.memory", "quota.help.storage", "quota.resource.pods",
                "admin.images.cuda", "gpu.line", "gpu.line-of-pod");
        Pattern han = Pattern.compile("\\p{IsHan}");
        for (String key : chinese.stringPropertyNames()) {
            if (sameInEveryLanguage.contains(key)) {
                continue;
            }
            String words = chinese.getProperty(key).replaceAll("\\{\\d+[^}]*}", "");
            if (!words.matches("(?s).*\\p{IsLatin}.*")) {
                continue; // only arguments and punctuation, e.g. "{0}：{1}"
            }
            assertThat(han.matcher(words).find())
                    .as("%s is translated: '%s'", key, chinese.getProperty(key)).isTrue();
        }
    }

    @Test
    void theProviderFormatsInTheUsersLocaleAndMarksMissingKeys() {
        PortalI18NProvider provider = new PortalI18NProvider();
        assertThat(provider.getTranslation("home.welcome", Locale.forLanguageTag("zh-CN"), "Alice")).isEqualTo("欢迎，Alice");
        assertThat(provider.getTranslation("home.welcome", Locale.forLanguageTag("zh"), "Alice")).isEqualTo("欢迎，Alice");
        assertThat(provider.getTranslation("home.welcome", Locale.GERMAN, "Alice")).isEqualTo("Welcome, Alice");
        assertThat(provider.getTranslation("team-role.viewer.help", Locale.ENGLISH)).contains("team's");
        assertThat(provider.getTranslation("no.such.key", Locale.ENGLISH)).isEqualTo("!no.such.key!");
    }

    private static Set<Integer> arguments(String pattern) {
        Set<Integer> found = new TreeSet<>();
        Matcher matcher = ARGUMENT.matcher(pattern);
        while (matcher.find()) {
            found.add(Integer.parseInt(matcher.group(1)));
        }
        return found;
    }

    static Set<String> usedKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher use = KEY_USE.matcher(source);
                while (use.find()) {
                    keys.add(use.group(1));
                }
                Matcher ternary = TERNARY_KEYS.matcher(source);
                while (ternary.find()) {
                    keys.add(ternary.group(1));
                    keys.add(ternary.group(2));
                }
            }
        }
        keys.removeIf(key -> key.startsWith("portal.") || key.startsWith("i18n."));
        return keys;
    }

    private static Properties load(String resource) {
        Properties properties = new Properties();
        try (InputStream in = TranslationBundlesTest.class.getClassLoader().getResourceAsStream(resource)) {
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        return properties;
    }
}
