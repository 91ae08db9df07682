package ai.portal.jobs.settings;

import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/settings")
@Tag(name = "settings", description = "Platform settings of the job runner")
class SettingsController {

    private final SettingsService settings;

    SettingsController(SettingsService settings) {
        this.settings = settings;
    }

    @GetMapping
    @Operation(summary = "The platform settings (any signed-in user: the launch form needs them)")
    Mono<PlatformSettings> get() {
        return settings.current();
    }

    @PutMapping
    @Operation(summary = "Change the platform settings (platform admin)")
    Mono<PlatformSettings> put(@AuthenticationPrincipal Jwt token, @Valid @RequestBody PlatformSettings body) {
        return settings.update(CurrentUser.from(token), body);
    }
}
