package ai.portal.ui.live;

import java.util.Map;

/**
 * A backend that streams a topic's changes (the job runner's workload events), so the topic is not probed. One
 * connection serves every watcher of the topic; {@link LiveUpdates} opens it with one watcher's rights and opens it
 * again (with the same or another watcher's) when it ends.
 */
@FunctionalInterface
public interface ChangeSource {

    /**
     * Opens the topic's stream with the rights of the user whose security context is current, reporting to
     * {@code events} until it ends. Must not block; the returned handle closes the stream.
     */
    AutoCloseable open(Topic topic, Events events);

    /** What a stream reports. Items are what watchers may follow one by one (e.g. a workload by name). */
    interface Events {

        /** Every item and its fingerprint now: sent on connecting, so nothing missed while disconnected is lost. */
        void all(Map<String, ?> fingerprints);

        /** One item changed; a null fingerprint means it is gone. */
        void one(String item, Object fingerprint);

        /**
         * The stream ended. {@code denied}: the user it was opened as may not (or no longer) see the topic, so it
         * must be opened as someone else; otherwise the connection was lost and is opened again after a pause.
         */
        void ended(boolean denied);
    }
}
