package ai.portal.ui.live;

/**
 * Reads a topic's current state from the backends, as one of its watchers (their token is in the security context
 * while it runs), and reduces it to a fingerprint: equal fingerprints mean nothing a viewer would notice changed.
 */
@FunctionalInterface
public interface Probe {

    Object fingerprint(Topic topic);
}
