package ai.portal.logs.kubernetes;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cluster access: pod labels for the records (informer) and the pod log API for the live tail's fallback.
 *
 * @param enabled  use the cluster when one is configured (KUBECONFIG, ~/.kube/config or in-cluster); without one
 *                 records carry no labels and the live tail has no fallback
 * @param resync   informer resync period
 */
@ConfigurationProperties("portal.logs.kubernetes")
public record KubernetesProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10m") Duration resync) {
}
