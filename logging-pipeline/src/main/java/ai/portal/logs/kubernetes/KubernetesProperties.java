package ai.portal.logs.kubernetes;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Cluster access: pod labels for the records (informer) and the pod log API for the live tail's fallback.
 *
 * @param enabled  use the cluster when one is configured (KUBECONFIG, ~/.kube/config or in-cluster); without one
 *                 records carry no labels and the live tail has no fallback
 * @param resync   informer resync period
 * @param fallbackLimit the most bytes one container's log is read with per pod log API call of the live tail's
 *                 fallback (the API's {@code limitBytes}), so a container with a huge log cannot fill the heap
 */
@ConfigurationProperties("portal.logs.kubernetes")
public record KubernetesProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10m") Duration resync,
        @DefaultValue("256KB") DataSize fallbackLimit) {
}
