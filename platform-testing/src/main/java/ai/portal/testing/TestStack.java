package ai.portal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the suite's shared services are. {@code ./portal test} starts them once per run and exports their
 * addresses and generated secrets as environment variables; a developer running one module's tests by hand gets
 * the stack of {@code ./portal up} instead, read from {@code .portal/local/stack.env}.
 */
public final class TestStack {

    private static final TestStack INSTANCE = new TestStack(load());

    private final Map<String, String> values;

    private TestStack(Map<String, String> values) {
        this.values = values;
    }

    public static TestStack get() {
        return INSTANCE;
    }

    public String keycloakUrl() {
        return value("KEYCLOAK_URL");
    }

    public String issuer() {
        return keycloakUrl() + "/realms/portal";
    }

    public String password(String demoUser) {
        return value(demoUser.toUpperCase() + "_PASSWORD");
    }

    public String keycloakAdminPassword() {
        return value("KEYCLOAK_ADMIN_PASSWORD");
    }

    public String automationClientSecret() {
        return value("PORTAL_AUTOMATION_CLIENT_SECRET");
    }

    public String databaseHost() {
        return value("PORTAL_DB_HOST");
    }

    public String databasePort() {
        return value("PORTAL_DB_PORT");
    }

    /** Every known value: the stack file's, overridden by the environment. */
    public java.util.Map<String, Object> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    public String value(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the tests through ./portal test, "
                    + "or start the local stack with ./portal up first.");
        }
        return value;
    }

    private static Map<String, String> load() {
        Map<String, String> merged = new HashMap<>();
        if (System.getenv("PORTAL_TEST_STACK") == null) {
            findLocalStackFile().ifPresent(file -> merged.putAll(parseEnvFile(file)));
        }
        merged.putAll(System.getenv());
        return merged;
    }

    private static java.util.Optional<Path> findLocalStackFile() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(".portal/local/stack.env");
            if (Files.isRegularFile(dir.resolve("portal")) && Files.isRegularFile(file)) {
                return java.util.Optional.of(file);
            }
        }
        return java.util.Optional.empty();
    }

    static Map<String, String> parseEnvFile(Path file) {
        try {
            Map<String, String> entries = new HashMap<>();
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#") || !trimmed.contains("=")) {
                    continue;
                }
                String key = trimmed.substring(0, trimmed.indexOf('=')).replaceFirst("^export\\s+", "");
                String value = trimmed.substring(trimmed.indexOf('=') + 1).replaceAll("^'|'$", "");
                entries.put(key, value);
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
