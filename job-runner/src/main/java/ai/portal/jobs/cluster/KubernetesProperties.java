package ai.portal.jobs.cluster;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the job runner reaches Kubernetes ({@code portal.jobs.kubernetes.*}).
 *
 * @param kubeconfig   a kubeconfig file; empty means fabric8's usual search ({@code KUBECONFIG}, {@code ~/.kube/config},
 *                     the in-cluster service account)
 * @param fieldManager the server-side apply field manager every object the job runner writes is applied under
 * @param resync       how often informers replay their cache to the handlers (loops use it as a safety net)
 * @param rightSizing  whether the cluster runs a VPA recommender (the VerticalPodAutoscaler CRD is installed): each
 *                     notebook and job then gets a VPA in recommendation mode, and its detail the recommendation
 */
@ConfigurationProperties("portal.jobs.kubernetes")
public record KubernetesProperties(
        @DefaultValue("") String kubeconfig,
        @DefaultValue("ai-portal-job-runner") String fieldManager,
        @DefaultValue("5m") Duration resync,
        @DefaultValue("false") boolean rightSizing) {
}
