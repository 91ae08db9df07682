package ai.portal.tenant.quota;

import java.util.List;
import java.util.stream.Collectors;

import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.tenant.quota.QuotaApi.GpuType;
import jakarta.validation.Valid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The GPU types an installation's catalogue starts with, from its settings ({@code portal.tenant.catalog.gpu-types};
 * the Helm chart's {@code catalog.gpuTypes}), beside the three the database migration adds: a real cluster's GPUs
 * are quota-able from the first login. A type is added when the catalogue lacks its name, through the same use case
 * as an admin's {@code POST /api/v1/gpu-types?force=true} (its nodes may join later), audited as
 * {@code gpu-type.add} by {@code installation}; after that it is the admins' to change or remove (one they remove
 * comes back at the next start while the settings still list it).
 */
@Component
@EnableConfigurationProperties(GpuTypeSeed.Settings.class)
class GpuTypeSeed {

    private static final Logger log = LoggerFactory.getLogger(GpuTypeSeed.class);

    /**
     * Bound and validated at startup like an API request: a bad entry stops the service with the field it got wrong.
     *
     * @param gpuTypes what {@code POST /api/v1/gpu-types} would take, one per type
     */
    @Validated
    @ConfigurationProperties("portal.tenant.catalog")
    record Settings(@Valid List<GpuType> gpuTypes) {

        Settings {
            gpuTypes = gpuTypes == null ? List.of() : List.copyOf(gpuTypes);
        }
    }

    private final Settings settings;
    private final GpuTypeRepository gpuTypes;
    private final QuotaService quotas;

    GpuTypeSeed(Settings settings, GpuTypeRepository gpuTypes, QuotaService quotas) {
        this.settings = settings;
        this.gpuTypes = gpuTypes;
        this.quotas = quotas;
    }

    @EventListener(ApplicationReadyEvent.class)
    void seedAtStartup() {
        seed().subscribe(added -> {
            if (added > 0) {
                log.info("added {} GPU type(s) from the installation's settings to the catalogue", added);
            }
        }, failed -> log.error("could not add the installation's GPU types to the catalogue", failed));
    }

    /** Adds each configured GPU type the catalogue lacks; how many were added. */
    Mono<Long> seed() {
        return gpuTypes.findAll().map(GpuType::name).collect(Collectors.toSet())
                .flatMapMany(known -> Flux.fromIterable(settings.gpuTypes()).filter(type -> !known.contains(type.name())))
                .concatMap(type -> quotas.addGpuType(CurrentUser.INSTALLATION, type, true)
                        // another replica added it a moment before
                        .onErrorResume(ApiException.class, conflict -> Mono.empty()))
                .count();
    }
}
