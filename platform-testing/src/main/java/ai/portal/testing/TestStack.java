package ai.portal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the suite's shared services are. {@code ./portal test} starts them once per run and exports their
 * addresses and generated secrets as environment variables; a developer running one module's tests by hand gets
 * the stack of {@code ./portal up} instead, read from {@code .portal/local/stack.env}.
 */
public final class TestStack {

    private static final TestStack INSTANCE = new TestStack(load());

    static {
        INSTANCE.trustLocalCa();
    }

    private final Map<String, String> values;

    private TestStack(Map<String, String> values) {
        this.values = values;
    }

    public static TestStack get() {
        return INSTANCE;
    }

    /** An HTTP client for the stack's endpoints; loading this class first makes the JVM trust the stack's CA. */
    public static HttpClient httpClient() {
        return httpClientBuilder().build();
    }

    public static HttpClient.Builder httpClientBuilder() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
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

    /** The CA certificate of the stack (it signed Keycloak's https certificate); see {@code infra/local/lib/pki.sh}. */
    public String caFile() {
        return value("PORTAL_CA_FILE");
    }

    /** JVM options that make another Java process (a service under test) trust the stack's CA, as ./portal does. */
    public List<String> jvmTrustOptions() {
        String store = values.get("PORTAL_TRUSTSTORE");
        return store == null || store.isBlank() ? List.of() : List.of("-Djavax.net.ssl.trustStore=" + store,
                "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    /**
     * Makes this JVM trust the stack's CA (the JDK's CAs plus the local one, from the stack's trust store) unless it
     * was started with a trust store already ({@code ./portal test} starts every JVM so). Runs before any test or
     * application code of the JVM reads the stack, so before the first TLS connection to Keycloak.
     */
    private void trustLocalCa() {
        String store = values.get("PORTAL_TRUSTSTORE");
        if (store != null && !store.isBlank() && System.getProperty("javax.net.ssl.trustStore") == null) {
            System.setProperty("javax.net.ssl.trustStore", store);
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        }
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
