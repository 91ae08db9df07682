package ai.portal.jobs.workload;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.portal.jobs.cluster.KubernetesProperties;
import ai.portal.platform.installation.Installation;
import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Writes what the idle culler and a user's extension say about a running notebook: annotations on its StatefulSet
 * (so every replica's informer shows them in the notebook's status) and Kubernetes Events on it (so {@code kubectl
 * describe} and the portal's event list tell the user). Each writer applies its annotations with server-side apply
 * under a field manager of its own: the operator's applies (under the job runner's manager) never remove them, and
 * one writer's apply never removes the other's.
 */
@Component
public class NotebookMarks {

    /** The culler's annotations: stop-at while warned, stopped-at/after once it stopped the notebook. */
    public static final String CULLER = "-idle-culler";
    /** A user's extension: keep-until. */
    public static final String EXTENSION = "-idle-extension";

    private final KubernetesClient client;
    private final String fieldManager;
    private final String instance;

    NotebookMarks(KubernetesClient client, KubernetesProperties properties, Installation installation) {
        this.client = client;
        this.fieldManager = properties.fieldManager();
        this.instance = installation.id();
    }

    /**
     * Makes {@code annotations} the whole set that {@code writer} ({@link #CULLER} or {@link #EXTENSION}) holds on
     * the notebook's StatefulSet: those it held before and does not name now are removed.
     */
    public Mono<Void> annotate(WorkloadRecord notebook, String writer, Map<String, String> annotations) {
        return blocking(() -> {
            StatefulSet partial = new StatefulSetBuilder().withNewMetadata()
                    .withName(notebook.name()).withNamespace(notebook.namespace())
                    .withAnnotations(annotations).endMetadata().build();
            try {
                client.resource(partial).fieldManager(fieldManager + writer).forceConflicts().serverSideApply();
            } catch (KubernetesClientException e) {
                throw WorkloadApplyException.of("annotating", partial, e);
            }
            return null;
        });
    }

    /** Records a Kubernetes Event on the notebook's StatefulSet ({@code type} Normal or Warning). */
    public Mono<Void> event(WorkloadRecord notebook, String objectUid, String type, String reason, String message,
                            String component) {
        return blocking(() -> {
            String now = Instant.now().toString();
            Event event = new EventBuilder().withNewMetadata()
                    .withGenerateName(notebook.name() + ".")
                    .withNamespace(notebook.namespace())
                    .addToLabels(PortalLabels.MANAGED_BY, PortalLabels.MANAGER)
                    .addToLabels(PortalLabels.INSTANCE, instance)
                    .addToLabels(WorkloadNames.WORKLOAD_ID_LABEL, notebook.id().toString())
                    .endMetadata()
                    .withNewInvolvedObject().withApiVersion("apps/v1").withKind("StatefulSet")
                    .withNamespace(notebook.namespace()).withName(notebook.name()).withUid(objectUid)
                    .endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent(component).endSource()
                    .withReportingComponent(component).withReportingInstance(instance)
                    .build();
            try {
                client.v1().events().inNamespace(notebook.namespace()).resource(event).create();
            } catch (KubernetesClientException e) {
                throw WorkloadApplyException.of("recording an event on", event, e);
            }
            return null;
        });
    }

    private static <T> Mono<Void> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic()).then();
    }
}
