package ai.portal.jobs.settings;

import java.util.Map;

import ai.portal.jobs.audit.AuditEvent.Outcome;
import ai.portal.jobs.audit.AuditLog;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import io.r2dbc.postgresql.codec.Json;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Reads and (as a platform admin) changes {@link PlatformSettings}; every change is audited. */
@Service
public class SettingsService {

    private static final String ALLOW_CUSTOM_IMAGES = "allow-custom-images";

    private final DatabaseClient db;
    private final AuditLog audit;
    private final TransactionalOperator tx;

    SettingsService(DatabaseClient db, AuditLog audit, TransactionalOperator tx) {
        this.db = db;
        this.audit = audit;
        this.tx = tx;
    }

    public Mono<PlatformSettings> current() {
        return db.sql("select value from setting where key = :key").bind("key", ALLOW_CUSTOM_IMAGES)
                .map(row -> row.get("value", Json.class)).one()
                .map(value -> new PlatformSettings(Boolean.parseBoolean(value.asString().strip())))
                .defaultIfEmpty(PlatformSettings.DEFAULTS);
    }

    public Mono<PlatformSettings> update(CurrentUser actor, PlatformSettings settings) {
        Mono<PlatformSettings> useCase = requireAdmin(actor)
                .then(current())
                .flatMap(before -> db.sql("""
                                insert into setting (key, value, updated_at, updated_by)
                                values (:key, :value, now(), :by)
                                on conflict (key) do update set value = excluded.value, updated_at = now(),
                                                                updated_by = excluded.updated_by""")
                        .bind("key", ALLOW_CUSTOM_IMAGES)
                        .bind("value", Json.of(Boolean.toString(settings.allowCustomImages())))
                        .bind("by", actor.username())
                        .then()
                        .then(audit.record(actor, null, "settings.update", "settings",
                                Map.of("allowCustomImages", before.allowCustomImages()),
                                Map.of("allowCustomImages", settings.allowCustomImages()), Outcome.SUCCESS, ""))
                        .as(tx::transactional))
                .then(current());
        return audit.onFailure(useCase, actor, null, "settings.update", "settings");
    }

    static Mono<Void> requireAdmin(CurrentUser actor) {
        return actor.isPlatformAdmin() ? Mono.empty() : Mono.error(new ApiException(HttpStatus.FORBIDDEN,
                "Access denied", "Only platform admins can change platform settings."));
    }
}
