package ai.portal.jobs.catalog;

import java.util.regex.Pattern;

/**
 * The grammar of a container image reference (the distribution spec's, simplified): an optional registry host with
 * port, lower-case path components, and a tag or a sha256 digest. Nothing else (spaces, quotes, newlines) can reach
 * a pod spec through an image name.
 */
public final class ImageReferences {

    static final String REGEX = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]{1,5})?/)?"
            + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
            + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})";
    private static final Pattern REFERENCE = Pattern.compile(REGEX);

    private ImageReferences() {
    }

    /** Whether {@code reference} is a pinned image reference (a tag or a digest is required: no implicit latest). */
    public static boolean isValid(String reference) {
        return reference != null && reference.length() <= 500 && REFERENCE.matcher(reference).matches();
    }
}
