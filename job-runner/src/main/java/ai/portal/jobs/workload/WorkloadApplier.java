package ai.portal.jobs.workload;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.cluster.KubernetesProperties;
import ai.portal.platform.installation.Installation;
import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The operator: writes what {@link WorkloadResources} describes, with server-side apply under the job runner's one
 * field manager, and deletes a workload's objects. Every method is idempotent. fabric8 blocks; every call runs on
 * {@link Schedulers#boundedElastic()} through {@link #blocking}, the only place that does so.
 *
 * <p>A Job is applied once, when it is created, and never again: Kueue owns its {@code suspend} field from then on,
 * and a re-apply could take it back. A running notebook's StatefulSet is re-applied; stopping deletes it (the
 * workspace claim, Service and token Secret stay) and starting creates a new one. The token Secret is created once,
 * without reading first (a 409 means it is there: its name says which token it holds, {@link NotebookTokens}),
 * never rewritten and never read; it is deleted by name. A notebook whose running StatefulSet still points at another
 * token Secret (a legacy random token, or one of a former key) is pointed at the new one, which restarts its pod, and
 * the old Secret is deleted.
 */
@Component
public class WorkloadApplier {

    private static final Logger log = LoggerFactory.getLogger(WorkloadApplier.class);

    private final KubernetesClient client;
    private final ClusterState cluster;
    private final NotebookTokens tokens;
    private final String fieldManager;
    private final String instance;
    private final TeamEnvironment environment;

    WorkloadApplier(KubernetesClient client, ClusterState cluster, NotebookTokens tokens,
                    KubernetesProperties properties, Installation installation,
                    org.springframework.beans.factory.ObjectProvider<TeamEnvironment> environment) {
        this.environment = environment.getIfAvailable(() -> TeamEnvironment.NONE);
        this.client = client;
        this.cluster = cluster;
        this.tokens = tokens;
        this.fieldManager = properties.fieldManager();
        this.instance = installation.id();
    }

    /** Creates or converges the workload's objects; completes with the uid of its Job or StatefulSet. */
    public Mono<String> apply(WorkloadRecord workload) {
        return environment.of(workload.team()).defaultIfEmpty(Map.of()).flatMap(teamEnv -> blocking(() ->
                workload.notebook() ? applyNotebook(workload, teamEnv) : applyJob(workload, teamEnv)));
    }

    private String applyNotebook(WorkloadRecord workload, Map<String, String> teamEnv) {
        String secretName = tokens.secretName(workload);
        Secret secret = WorkloadResources.tokenSecret(workload, instance, secretName, tokens.token(workload));
        try {
            client.secrets().inNamespace(workload.namespace()).resource(secret).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw WorkloadApplyException.of("creating", secret, e);
            }
        }
        Optional<String> before = tokenSecretInUse(workload);
        String uid = null;
        Map<String, String> env = runningTeamEnv(workload).orElse(teamEnv);
        for (HasMetadata object : WorkloadResources.notebook(workload, instance, secretName, env)) {
            HasMetadata applied = serverSideApply(object);
            if (applied instanceof StatefulSet) {
                uid = applied.getMetadata().getUid();
            }
        }
        if (workload.desired() != Desired.RUNNING) {
            deleteOwn(StatefulSet.class, workload);
        }
        applyRightSizer(workload);
        before.filter(name -> !name.equals(secretName)).ifPresent(name -> {
            log.info("notebook {}/{} now uses token Secret {}; deleting {}", workload.namespace(), workload.name(),
                    secretName, name);
            deleteTokenSecret(workload, name);
        });
        return uid;
    }

    /**
     * The team variables the notebook's live StatefulSet (informer) gives its pod, when it runs: a running notebook
     * keeps them, since a changed template would restart it ({@link TeamEnvironment}).
     */
    private Optional<Map<String, String>> runningTeamEnv(WorkloadRecord workload) {
        return cluster.statefulSet(workload.namespace(), workload.name())
                .filter(set -> isOurs(set, workload))
                .map(set -> {
                    Map<String, String> kept = new java.util.TreeMap<>();
                    set.getSpec().getTemplate().getSpec().getContainers().stream()
                            .flatMap(container -> container.getEnv() == null ? java.util.stream.Stream.<EnvVar>empty()
                                    : container.getEnv().stream())
                            .filter(env -> environment.names().contains(env.getName()) && env.getValue() != null)
                            .forEach(env -> kept.put(env.getName(), env.getValue()));
                    return kept;
                });
    }

    /** The token Secret the notebook's live StatefulSet (informer) points its pod at, when it is this workload's. */
    private Optional<String> tokenSecretInUse(WorkloadRecord workload) {
        return cluster.statefulSet(workload.namespace(), workload.name())
                .filter(set -> isOurs(set, workload))
                .flatMap(set -> set.getSpec().getTemplate().getSpec().getContainers().stream()
                        .flatMap(container -> container.getEnv() == null ? java.util.stream.Stream.<EnvVar>empty()
                                : container.getEnv().stream())
                        .filter(env -> WorkloadResources.TOKEN_ENV.equals(env.getName()) && env.getValueFrom() != null
                                && env.getValueFrom().getSecretKeyRef() != null)
                        .map(env -> env.getValueFrom().getSecretKeyRef().getName())
                        .findFirst())
                .filter(name -> WorkloadNames.isTokenSecretOf(workload.name(), name));
    }

    /**
     * Deletes one of the notebook's token Secrets by name. Only Secrets the job runner made carry its installation
     * id, and the chart's admission policy refuses it any other: a refusal (403) is logged and left, never retried.
     */
    private void deleteTokenSecret(WorkloadRecord workload, String name) {
        try {
            client.secrets().inNamespace(workload.namespace()).withName(name).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                log.warn("not deleting Secret {}/{}: {}", workload.namespace(), name, e.getMessage());
            } else if (e.getCode() != 404) {
                throw new WorkloadApplyException(e.getCode(), "deleting Secret " + workload.namespace() + "/" + name
                        + " failed: " + e.getMessage());
            }
        }
    }

    /** Deletes this workload's objects of one kind: only those carrying its id, so a namesake is never hit. */
    private void deleteOwn(Class<? extends HasMetadata> kind, WorkloadRecord workload) {
        try {
            client.resources(kind).inNamespace(workload.namespace())
                    .withLabel(PortalLabels.INSTANCE, instance)
                    .withLabel(WorkloadNames.WORKLOAD_ID_LABEL, workload.id().toString())
                    .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
                    .delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw new WorkloadApplyException(e.getCode(), "deleting " + kind.getSimpleName() + "s of "
                        + workload.namespace() + "/" + workload.name() + " failed: " + e.getMessage());
            }
        }
    }

    private void deleteOwnRightSizer(WorkloadRecord workload) {
        try {
            client.genericKubernetesResources(ClusterState.RIGHT_SIZERS).inNamespace(workload.namespace())
                    .withLabel(PortalLabels.INSTANCE, instance)
                    .withLabel(WorkloadNames.WORKLOAD_ID_LABEL, workload.id().toString())
                    .delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw new WorkloadApplyException(e.getCode(), "deleting the VerticalPodAutoscaler of "
                        + workload.namespace() + "/" + workload.name() + " failed: " + e.getMessage());
            }
        }
    }

    private String applyJob(WorkloadRecord workload, Map<String, String> teamEnv) {
        applyRightSizer(workload);
        Job existing = client.batch().v1().jobs().inNamespace(workload.namespace()).withName(workload.name()).get();
        if (existing != null) {
            if (!isOurs(existing, workload)) {
                throw new WorkloadApplyException(409, "Job " + workload.namespace() + "/" + workload.name()
                        + " exists and belongs to another workload; refusing to take it over");
            }
            return existing.getMetadata().getUid();
        }
        return serverSideApply(WorkloadResources.job(workload, instance, teamEnv)).getMetadata().getUid();
    }

    /** The workload's VerticalPodAutoscaler, where the cluster runs a VPA recommender. */
    private void applyRightSizer(WorkloadRecord workload) {
        if (cluster.rightSizing()) {
            serverSideApply(WorkloadResources.rightSizer(workload, instance));
        }
    }

    private HasMetadata serverSideApply(HasMetadata object) {
        try {
            return client.resource(object).fieldManager(fieldManager).forceConflicts().serverSideApply();
        } catch (KubernetesClientException e) {
            throw WorkloadApplyException.of("applying", object, e);
        }
    }

    /**
     * Deletes the workload's Job or StatefulSet, Service and token Secret (pods go with their owner), and its
     * workspace claim when {@code withWorkspace}. Only objects that carry this workload's id are touched, so a new
     * workload of the same name is never hit.
     */
    public Mono<Void> delete(WorkloadRecord workload, boolean withWorkspace) {
        return blocking(() -> {
            Set<String> secrets = new LinkedHashSet<>();
            if (workload.notebook()) {
                secrets.add(tokens.secretName(workload));
                tokenSecretInUse(workload).ifPresent(secrets::add);
                secrets.add(WorkloadNames.legacyTokenSecret(workload.name()));
            }
            List<Class<? extends HasMetadata>> kinds = withWorkspace
                    ? WorkloadResources.KINDS
                    : WorkloadResources.KINDS.stream().filter(kind -> kind != PersistentVolumeClaim.class).toList();
            for (Class<? extends HasMetadata> kind : kinds) {
                deleteOwn(kind, workload);
            }
            if (cluster.rightSizing()) {
                deleteOwnRightSizer(workload);
            }
            secrets.forEach(name -> deleteTokenSecret(workload, name));
            log.info("deleted {} {}/{}{}", workload.kind().wireName(), workload.namespace(), workload.name(),
                    withWorkspace ? " with its workspace" : "");
            return null;
        }).then();
    }

    /** Deletes one object the informers saw that no live workload wants (it carries our instance label). */
    public Mono<Void> deleteOrphan(HasMetadata object) {
        return blocking(() -> {
            if (!instance.equals(labels(object).get(PortalLabels.INSTANCE))) {
                throw new IllegalArgumentException("not this installation's object: " + object.getMetadata().getName());
            }
            client.resource(object).withPropagationPolicy(
                    io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
            log.info("deleted orphaned {} {}/{}", object.getKind(), object.getMetadata().getNamespace(),
                    object.getMetadata().getName());
            return null;
        }).then();
    }

    private boolean isOurs(HasMetadata object, WorkloadRecord workload) {
        Map<String, String> labels = labels(object);
        return instance.equals(labels.get(PortalLabels.INSTANCE))
                && workload.id().toString().equals(labels.get(WorkloadNames.WORKLOAD_ID_LABEL));
    }

    private static Map<String, String> labels(HasMetadata object) {
        return object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }
}
