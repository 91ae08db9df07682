package ai.portal.tenant.domain;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * Converges the objects an external system holds for the whole installation rather than one team (the Kueue
 * ResourceFlavors of the GPU catalogue, the WorkloadPriorityClasses). Level-triggered and idempotent like
 * {@link TeamSync}.
 */
public interface InstallationSync {

    /** Short name for logs and health, e.g. {@code kubernetes}. */
    String name();

    /** Makes the installation's shared objects match the GPU type catalogue. */
    Mono<Void> convergeInstallation(List<String> gpuTypes);
}
