package ai.portal.logs.kubernetes;

import java.time.Instant;

import reactor.core.publisher.Flux;

/** The Kubernetes pod log API, for the live tail when OpenSearch cannot answer. */
public interface PodLogSource {

    /** Which pods and containers of a namespace: any of them may be null (no restriction). */
    record Selection(String pod, String container, String labelKey, String labelValue) {
    }

    record PodLogLine(Instant time, String pod, String container, String message) {
    }

    boolean available();

    /** Lines the selected pods logged after {@code after} (exclusive), oldest first per container. */
    Flux<PodLogLine> after(String namespace, Selection selection, Instant after);

    PodLogSource NONE = new PodLogSource() {
        @Override
        public boolean available() {
            return false;
        }

        @Override
        public Flux<PodLogLine> after(String namespace, Selection selection, Instant after) {
            return Flux.empty();
        }
    };
}
