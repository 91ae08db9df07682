package ai.portal.jobs.serving;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * What a model API key is (pure): {@code pmk_} and 43 base64url characters of 256 random bits from the JDK's
 * {@link SecureRandom}. Only its SHA-256 is stored. A password needs a slow, salted hash (bcrypt, Argon2) because
 * people choose guessable ones; a key of 256 random bits cannot be guessed from its hash, so a fast hash loses
 * nothing and the gateway checks a key on every request with one indexed lookup instead of a deliberately slow
 * computation (bcrypt at cost 10 would add ~80 ms to every inference call). The prefix ({@code pmk_} and the first 8
 * characters) is stored in clear so people can tell their keys apart; it is 48 bits of the 256, the rest stays secret.
 */
final class ApiKeys {

    static final String SCHEME = "pmk_";
    static final int PREFIX_LENGTH = SCHEME.length() + 8;
    private static final int RANDOM_BYTES = 32;
    private static final Pattern FORMAT = Pattern.compile("pmk_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new key, to be shown once. */
    static String generate() {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Whether a bearer credential is meant as a model API key (rather than an OIDC access token). */
    static boolean looksLikeKey(String credential) {
        return credential != null && credential.startsWith(SCHEME);
    }

    /** Whether it has a key's exact shape: anything else is refused without a database lookup. */
    static boolean wellFormed(String key) {
        return key != null && FORMAT.matcher(key).matches();
    }

    /** What is stored and looked up. */
    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }

    /** The part shown in lists. */
    static String prefix(String key) {
        return key.substring(0, PREFIX_LENGTH);
    }
}
