package ai.portal.jobs.workload;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * A notebook's Jupyter token, derived rather than stored: HMAC-SHA256 of the notebook's namespace, name and workload
 * id under a key only the job runner holds ({@link NotebookTokenProperties}). The job runner writes the token once
 * into a Secret of the team namespace (the pod reads it from there) and never reads a Secret back: the proxy and the
 * idle culler compute the same token. So the job runner's Role needs no {@code get} on Secrets, and cannot read a
 * member's.
 *
 * <p>The Secret is named after the token ({@code <name>-token-<10 hex of SHA-256(token)>}), so a different token
 * (another workload of the same name, another key) is a different Secret: creating it without reading first is
 * safe, a 409 means this very token is already there. Notebooks made before tokens were derived hold a random token
 * in {@code <name>-token}; their next apply points the StatefulSet at the derived Secret, which restarts the pod
 * with the token the proxy now computes (see workload/DESIGN.md).
 */
@Component
@EnableConfigurationProperties(NotebookTokenProperties.class)
public class NotebookTokens {

    static final int MIN_KEY_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;

    public NotebookTokens(NotebookTokenProperties properties) {
        String value = properties.tokenKey();
        if (value == null || value.strip().length() < MIN_KEY_LENGTH) {
            throw new IllegalStateException("portal.notebooks.token-key (NOTEBOOK_TOKEN_KEY) must be set to a secret "
                    + "of at least " + MIN_KEY_LENGTH + " characters: notebook tokens are derived from it");
        }
        this.key = new SecretKeySpec(value.strip().getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The token Jupyter of this notebook expects (64 hex characters). */
    public String token(String namespace, String name, UUID workloadId) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            // the separators keep the parts apart: no two (namespace, name, id) give the same input
            byte[] input = ("ai-portal notebook token v1\n" + namespace + "\n" + name + "\n" + workloadId)
                    .getBytes(StandardCharsets.UTF_8);
            return HEX.formatHex(mac.doFinal(input));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Another secret derived from the same key, for {@code purpose} (e.g. a team's tracking store password): 64 hex
     * characters, the same every time for the same parts, never stored by the job runner.
     */
    public String derived(String purpose, String... parts) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] input = ("ai-portal " + purpose + " v1\n" + String.join("\n", parts))
                    .getBytes(StandardCharsets.UTF_8);
            return HEX.formatHex(mac.doFinal(input));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The first 10 hex characters of SHA-256 of a secret: names a Secret after what it holds. */
    public static String fingerprintOf(String secret) {
        return fingerprint(secret);
    }

    public String token(WorkloadRecord notebook) {
        return token(notebook.namespace(), notebook.name(), notebook.id());
    }

    /** The name of the Secret that holds this notebook's token: it changes whenever the token does. */
    public String secretName(WorkloadRecord notebook) {
        return WorkloadNames.tokenSecret(notebook.name(), fingerprint(token(notebook)));
    }

    private static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(digest).substring(0, 10);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
