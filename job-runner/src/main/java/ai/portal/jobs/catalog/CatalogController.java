package ai.portal.jobs.catalog;

import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/images")
@Tag(name = "images", description = "The image catalogue notebooks and jobs are launched from")
class CatalogController {

    private final CatalogService catalog;

    CatalogController(CatalogService catalog) {
        this.catalog = catalog;
    }

    @GetMapping
    @Operation(summary = "The image catalogue (any signed-in user)")
    Flux<Image> list() {
        return catalog.list();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One catalogue image")
    Mono<Image> get(@PathVariable String id) {
        return catalog.get(id);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add an image (platform admin)")
    Mono<Image> create(@AuthenticationPrincipal Jwt token, @Valid @RequestBody ImageRequest request) {
        return catalog.create(CurrentUser.from(token), request);
    }

    @PutMapping("/{id}")
    @Operation(summary = "Change an image (platform admin)", description = "Running workloads keep their image")
    Mono<Image> update(@AuthenticationPrincipal Jwt token, @PathVariable String id,
                       @Valid @RequestBody ImageRequest request) {
        return catalog.update(CurrentUser.from(token), id, request);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove an image (platform admin)", description = "Running workloads keep their image")
    Mono<Void> delete(@AuthenticationPrincipal Jwt token, @PathVariable String id) {
        return catalog.delete(CurrentUser.from(token), id);
    }
}
