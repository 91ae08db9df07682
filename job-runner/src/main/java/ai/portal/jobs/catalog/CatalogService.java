package ai.portal.jobs.catalog;

import java.util.Optional;

import ai.portal.jobs.audit.AuditEvent.Outcome;
import ai.portal.jobs.audit.AuditLog;
import ai.portal.jobs.settings.SettingsService;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The image catalogue: every signed-in user reads it, platform admins edit it (audited), and launches resolve the
 * image they name through {@link #resolve}: a catalogue id or reference, or, where the platform setting allows it,
 * a custom reference.
 */
@Service
public class CatalogService {

    private final ImageRepository images;
    private final SettingsService settings;
    private final AuditLog audit;
    private final TransactionalOperator tx;

    CatalogService(ImageRepository images, SettingsService settings, AuditLog audit, TransactionalOperator tx) {
        this.images = images;
        this.settings = settings;
        this.audit = audit;
        this.tx = tx;
    }

    public Flux<Image> list() {
        return images.findAll();
    }

    public Mono<Image> get(String id) {
        return images.find(id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    public Mono<Image> create(CurrentUser actor, ImageRequest request) {
        Mono<Image> useCase = requireAdmin(actor)
                .then(images.insert(request)
                        .then(audit.record(actor, null, "image.create", "image/" + request.id(), null, request,
                                Outcome.SUCCESS, ""))
                        .as(tx::transactional))
                .onErrorMap(DuplicateKeyException.class, duplicate -> new ApiException(HttpStatus.CONFLICT,
                        "Image exists", "The catalogue already has an image with id '" + request.id()
                                + "' or reference '" + request.reference() + "'.").withField("id"))
                .then(Mono.defer(() -> images.find(request.id())));
        return audit.onFailure(useCase, actor, null, "image.create", "image/" + request.id());
    }

    public Mono<Image> update(CurrentUser actor, String id, ImageRequest request) {
        Mono<Image> useCase = requireAdmin(actor)
                .then(Mono.defer(() -> id.equals(request.id()) ? Mono.empty() : Mono.error(new ApiException(
                        HttpStatus.BAD_REQUEST, "Invalid request", "The id in the body must be the id in the path ('"
                        + id + "'); ids cannot be changed.").withField("id"))))
                .then(get(id))
                .flatMap(before -> images.update(id, request)
                        .then(audit.record(actor, null, "image.update", "image/" + id, before, request,
                                Outcome.SUCCESS, ""))
                        .as(tx::transactional))
                .onErrorMap(DuplicateKeyException.class, duplicate -> new ApiException(HttpStatus.CONFLICT,
                        "Image exists", "Another catalogue image has the reference '" + request.reference() + "'.")
                        .withField("reference"))
                .then(Mono.defer(() -> images.find(id)));
        return audit.onFailure(useCase, actor, null, "image.update", "image/" + id);
    }

    /** Removes an image from the catalogue; workloads already running with it keep running. */
    public Mono<Void> delete(CurrentUser actor, String id) {
        Mono<Void> useCase = requireAdmin(actor)
                .then(get(id))
                .flatMap(before -> images.delete(id)
                        .then(audit.record(actor, null, "image.delete", "image/" + id, before, null,
                                Outcome.SUCCESS, ""))
                        .as(tx::transactional));
        return audit.onFailure(useCase, actor, null, "image.delete", "image/" + id);
    }

    /**
     * The image a launch names: a catalogue id or reference usable for this kind of workload, or a custom reference
     * when the platform allows custom images. Refusals name the field {@code image}.
     */
    public Mono<ResolvedImage> resolve(String requested, boolean notebook) {
        String kind = notebook ? "notebooks" : "jobs";
        if (requested == null || requested.isBlank()) {
            return Mono.error(invalidImage("image is required: a catalogue image id or an image reference"));
        }
        return images.find(requested)
                .switchIfEmpty(Mono.defer(() -> ImageReferences.isValid(requested)
                        ? images.findByReference(requested) : Mono.empty()))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(found -> {
                    if (found.isPresent()) {
                        Image image = found.get();
                        if (!image.enabled()) {
                            return Mono.error(invalidImage("Image '" + image.id() + "' is disabled in the catalogue."));
                        }
                        if (!image.usableFor(notebook)) {
                            return Mono.error(invalidImage("Image '" + image.id() + "' is not for " + kind + "."));
                        }
                        return Mono.just(new ResolvedImage(image.reference(), image.id(), image.cuda()));
                    }
                    return settings.current().flatMap(current -> {
                        if (!current.allowCustomImages()) {
                            return Mono.error(invalidImage("Unknown image '" + abbreviate(requested)
                                    + "': choose one of the catalogue (GET /api/v1/images); this platform does not "
                                    + "allow custom images."));
                        }
                        if (!ImageReferences.isValid(requested)) {
                            return Mono.error(invalidImage("'" + abbreviate(requested) + "' is not an image reference "
                                    + "with a tag or digest (registry/repository:tag)."));
                        }
                        return Mono.just(new ResolvedImage(requested, null, false));
                    });
                });
    }

    /** The image a workload runs: its reference, its catalogue id (null for a custom image), whether it has CUDA. */
    public record ResolvedImage(String reference, String catalogId, boolean cuda) {
    }

    private static ApiException invalidImage(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid image", detail).withField("image");
    }

    private static ApiException notFound(String id) {
        return new ApiException(HttpStatus.NOT_FOUND, "Image not found",
                "The catalogue has no image '" + abbreviate(id) + "'.");
    }

    private static Mono<Void> requireAdmin(CurrentUser actor) {
        return actor.isPlatformAdmin() ? Mono.empty() : Mono.error(new ApiException(HttpStatus.FORBIDDEN,
                "Access denied", "Only platform admins can change the image catalogue."));
    }

    private static String abbreviate(String text) {
        String printable = text.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
    }
}
