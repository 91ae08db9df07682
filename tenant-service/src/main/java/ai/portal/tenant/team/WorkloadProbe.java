package ai.portal.tenant.team;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Whether anything still runs in a team's namespace, asked before a team is deleted. */
@Component
public class WorkloadProbe {

    private final KubernetesClient kubernetes;

    WorkloadProbe(KubernetesClient kubernetes) {
        this.kubernetes = kubernetes;
    }

    /** Pods that have not finished (Pending, Running or Unknown). */
    public Mono<Long> activePods(String namespace) {
        return Mono.fromCallable(() -> kubernetes.pods().inNamespace(namespace).list().getItems().stream()
                        .map(Pod::getStatus)
                        .filter(status -> status == null || !"Succeeded".equals(status.getPhase())
                                && !"Failed".equals(status.getPhase()))
                        .count())
                .subscribeOn(Schedulers.boundedElastic());
    }
}
