package ai.portal.jobs.catalog;

import java.util.List;

import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
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
 * The images an installation's catalogue starts with, from its settings ({@code portal.jobs.catalog.images}; the
 * Helm chart's {@code catalog.images}), beside the three the database migration adds. An image is added when the
 * catalogue has none with its id or reference, and never changed after: what admins edit in the portal (disabling
 * one included) stays as they left it, on every restart and every replica. One an admin deletes comes back at the
 * next start while the settings still list it, as provisioned objects do. Each is added through the same use case
 * as an admin's {@code POST /api/v1/images}, audited as {@code image.create} by the actor {@code installation}.
 */
@Component
@EnableConfigurationProperties(CatalogSeed.Settings.class)
class CatalogSeed {

    private static final Logger log = LoggerFactory.getLogger(CatalogSeed.class);

    /**
     * Bound and validated at startup like an API request: a bad entry stops the service with the field it got wrong.
     *
     * @param images what {@code POST /api/v1/images} would take, one per image
     */
    @Validated
    @ConfigurationProperties("portal.jobs.catalog")
    record Settings(@Valid List<ImageRequest> images) {

        Settings {
            images = images == null ? List.of() : List.copyOf(images);
        }
    }

    private final Settings settings;
    private final ImageRepository images;
    private final CatalogService catalog;

    CatalogSeed(Settings settings, ImageRepository images, CatalogService catalog) {
        this.settings = settings;
        this.images = images;
        this.catalog = catalog;
    }

    @EventListener(ApplicationReadyEvent.class)
    void seedAtStartup() {
        seed().subscribe(added -> {
            if (added > 0) {
                log.info("added {} image(s) from the installation's settings to the catalogue", added);
            }
        }, failed -> log.error("could not add the installation's images to the catalogue", failed));
    }

    /** Adds each configured image the catalogue lacks (by id or reference); how many were added. */
    Mono<Long> seed() {
        return Flux.fromIterable(settings.images())
                .concatMap(image -> Flux.merge(images.find(image.id()), images.findByReference(image.reference()))
                        .hasElements()
                        .filter(present -> !present)
                        .flatMap(absent -> catalog.create(CurrentUser.INSTALLATION, image)
                                // another replica added it a moment before
                                .onErrorResume(ApiException.class, conflict -> Mono.empty())))
                .count();
    }
}
