package ai.portal.jobs.workload;

import java.util.List;

import ai.portal.jobs.cluster.KubernetesProperties;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The operator for the portal's own objects in a team namespace that are not workloads (a team's tracking server):
 * server-side apply under the job runner's field manager, Secrets created once and never read back (as notebook
 * tokens, workload/DESIGN.md), deletes by name. What it deletes must carry this installation's id: the chart's
 * admission policy refuses the job runner anything else. fabric8 blocks; every call runs on boundedElastic.
 */
@Component
public class TeamObjectApplier {

    private final KubernetesClient client;
    private final String fieldManager;

    TeamObjectApplier(KubernetesClient client, KubernetesProperties properties) {
        this.client = client;
        this.fieldManager = properties.fieldManager();
    }

    /** Creates the Secret unless it is there (409: its name says what it holds); never rewrites it. */
    public Mono<Void> createOnce(Secret secret) {
        return blocking(() -> {
            try {
                client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw WorkloadApplyException.of("creating", secret, e);
                }
            }
        });
    }

    /** Applies the objects in order. */
    public Mono<Void> apply(List<? extends HasMetadata> objects) {
        return blocking(() -> {
            for (HasMetadata object : objects) {
                try {
                    client.resource(object).fieldManager(fieldManager).forceConflicts().serverSideApply();
                } catch (KubernetesClientException e) {
                    throw WorkloadApplyException.of("applying", object, e);
                }
            }
        });
    }

    /** The field manager its applies write under. */
    public String fieldManager() {
        return fieldManager;
    }

    /**
     * Applies one object under another field manager without forcing: true when applied, false when a field it sets
     * is owned by another manager with another value (409: that manager keeps it).
     */
    public Mono<Boolean> applyUnforced(HasMetadata object, String manager) {
        return Mono.fromCallable(() -> {
            try {
                client.resource(object).fieldManager(manager).serverSideApply();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return false;
                }
                throw WorkloadApplyException.of("applying", object, e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** Deletes one object by kind and name (absent is fine); its dependants go in the background. */
    public Mono<Void> delete(Class<? extends HasMetadata> kind, String namespace, String name) {
        return blocking(() -> {
            try {
                client.resources(kind).inNamespace(namespace).withName(name)
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw new WorkloadApplyException(e.getCode(), "deleting " + kind.getSimpleName() + " " + namespace
                            + "/" + name + " failed: " + e.getMessage());
                }
            }
        });
    }

    /** Deletes one custom resource (a VerticalPodAutoscaler) by name; absent is fine. */
    public Mono<Void> delete(ResourceDefinitionContext kind, String namespace, String name) {
        return blocking(() -> {
            try {
                client.genericKubernetesResources(kind).inNamespace(namespace).withName(name).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw new WorkloadApplyException(e.getCode(), "deleting " + kind.getKind() + " " + namespace
                            + "/" + name + " failed: " + e.getMessage());
                }
            }
        });
    }

    private static Mono<Void> blocking(Runnable work) {
        return Mono.fromRunnable(work).subscribeOn(Schedulers.boundedElastic()).then();
    }
}
