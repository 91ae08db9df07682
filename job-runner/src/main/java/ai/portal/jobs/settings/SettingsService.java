package ai.portal.jobs.settings;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.portal.platform.audit.AuditEvent.Outcome;
import ai.portal.platform.audit.AuditLog;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import io.r2dbc.postgresql.codec.Json;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads and (as a platform admin) changes {@link PlatformSettings}; every change is audited. One row per setting
 * (key, JSON value); a setting without a row has its default ({@link IdleDefaults} for the idle limits).
 */
@Service
@EnableConfigurationProperties(IdleDefaults.class)
public class SettingsService {

    private static final String ALLOW_CUSTOM_IMAGES = "allow-custom-images";
    private static final String NOTEBOOK_IDLE_LIMIT = "notebook-idle-limit-seconds";
    private static final String GPU_NOTEBOOK_IDLE_LIMIT = "gpu-notebook-idle-limit-seconds";
    private static final String IDLE_WARNING = "idle-warning-seconds";
    private static final String MAX_IDLE_EXTENSION = "max-idle-extension-seconds";

    private final DatabaseClient db;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final IdleDefaults idle;

    SettingsService(DatabaseClient db, AuditLog audit, TransactionalOperator tx, IdleDefaults idle) {
        this.db = db;
        this.audit = audit;
        this.tx = tx;
        this.idle = idle;
    }

    public Mono<PlatformSettings> current() {
        return db.sql("select key, value from setting").map(row -> Map.entry(row.get("key", String.class),
                        row.get("value", Json.class).asString().strip()))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(values -> new PlatformSettings(
                        Boolean.parseBoolean(values.getOrDefault(ALLOW_CUSTOM_IMAGES, "false")),
                        seconds(values, NOTEBOOK_IDLE_LIMIT, idle.notebookLimit().toSeconds()),
                        seconds(values, GPU_NOTEBOOK_IDLE_LIMIT, idle.gpuNotebookLimit().toSeconds()),
                        seconds(values, IDLE_WARNING, idle.warning().toSeconds()),
                        seconds(values, MAX_IDLE_EXTENSION, idle.maxExtension().toSeconds())));
    }

    public Mono<PlatformSettings> update(CurrentUser actor, PlatformSettings change) {
        Mono<PlatformSettings> useCase = requireAdmin(actor)
                .then(current())
                .flatMap(before -> {
                    PlatformSettings after = change.orElse(before);
                    if (after.idleWarningSeconds() >= Math.min(after.notebookIdleLimitSeconds(),
                            after.gpuNotebookIdleLimitSeconds())) {
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "Invalid settings",
                                "The idle warning must come before the stop: make it shorter than both idle limits.")
                                .withField("idleWarningSeconds"));
                    }
                    // only what the change names gets a row: the rest keeps following its default
                    return Flux.fromIterable(values(change).entrySet())
                            .concatMap(setting -> db.sql("""
                                            insert into setting (key, value, updated_at, updated_by)
                                            values (:key, :value, now(), :by)
                                            on conflict (key) do update set value = excluded.value, updated_at = now(),
                                                                            updated_by = excluded.updated_by""")
                                    .bind("key", setting.getKey())
                                    .bind("value", Json.of(setting.getValue()))
                                    .bind("by", actor.username())
                                    .then())
                            .then(audit.record(actor, null, "settings.update", "settings", before, after,
                                    Outcome.SUCCESS, ""))
                            .as(tx::transactional);
                })
                .then(current());
        return audit.onFailure(useCase, actor, null, "settings.update", "settings");
    }

    /** The settings a change names, as rows. */
    private static Map<String, String> values(PlatformSettings change) {
        Map<String, String> values = new LinkedHashMap<>();
        put(values, ALLOW_CUSTOM_IMAGES, change.allowCustomImages());
        put(values, NOTEBOOK_IDLE_LIMIT, change.notebookIdleLimitSeconds());
        put(values, GPU_NOTEBOOK_IDLE_LIMIT, change.gpuNotebookIdleLimitSeconds());
        put(values, IDLE_WARNING, change.idleWarningSeconds());
        put(values, MAX_IDLE_EXTENSION, change.maxIdleExtensionSeconds());
        return values;
    }

    private static void put(Map<String, String> values, String key, Object value) {
        if (value != null) {
            values.put(key, value.toString());
        }
    }

    private static Long seconds(Map<String, String> values, String key, long fallback) {
        try {
            return values.containsKey(key) ? Long.parseLong(values.get(key)) : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static Mono<Void> requireAdmin(CurrentUser actor) {
        return actor.isPlatformAdmin() ? Mono.empty() : Mono.error(new ApiException(HttpStatus.FORBIDDEN,
                "Access denied", "Only platform admins can change platform settings."));
    }
}
