package ai.portal.jobs.serving;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import ai.portal.platform.audit.AuditEvent.Outcome;
import ai.portal.platform.audit.AuditLog;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamPermission;
import io.r2dbc.spi.Readable;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * API keys of a model deployment, for machine clients of its gateway path: created (the key shown once, stored as its
 * SHA-256, {@link ApiKeys}), listed and revoked. Owners and members create and revoke ({@link TeamPermission#EDIT}),
 * viewers list; every change and refusal is audited ({@code model.key.create}, {@code model.key.revoke}), never with
 * the key. {@link #authenticate} is the gateway's check: one indexed lookup by hash.
 */
@org.springframework.stereotype.Service
public class ApiKeyService {

    static final String ACTION_CREATE = "model.key.create";
    static final String ACTION_REVOKE = "model.key.revoke";
    static final int MAX_NAME = 64;
    /** A key's last use is written at most this often (not on every request). */
    static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    /** A valid key: the one deployment it opens. */
    public record Grant(UUID keyId, String team, String deployment) {
    }

    private final DatabaseClient db;
    private final TeamAuthorizer authorizer;
    private final AuditLog audit;
    private final TransactionalOperator tx;

    ApiKeyService(DatabaseClient db, TeamAuthorizer authorizer, AuditLog audit, TransactionalOperator tx) {
        this.db = db;
        this.authorizer = authorizer;
        this.audit = audit;
        this.tx = tx;
    }

    public Mono<ApiKeyView> create(CurrentUser actor, String team, String deployment, ApiKeyRequest request) {
        String target = "model-deployment/" + team + "/" + deployment + "/keys";
        Mono<ApiKeyView> useCase = authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.fromCallable(() -> validName(request)))
                .flatMap(name -> requireDeployment(team, deployment).then(Mono.defer(() -> {
                    String key = ApiKeys.generate();
                    UUID id = UUID.randomUUID();
                    return db.sql("""
                                    insert into model_api_key (id, team_slug, deployment, name, prefix, key_hash, created_by)
                                    values (:id, :team, :deployment, :name, :prefix, :hash, :by)""")
                            .bind("id", id).bind("team", team).bind("deployment", deployment).bind("name", name)
                            .bind("prefix", ApiKeys.prefix(key)).bind("hash", ApiKeys.hash(key))
                            .bind("by", actor.username())
                            .then()
                            .then(audit.record(actor, team, ACTION_CREATE, target + "/" + id, null,
                                    Map.of("id", id.toString(), "name", name, "prefix", ApiKeys.prefix(key)),
                                    Outcome.SUCCESS, ""))
                            .as(tx::transactional)
                            .then(Mono.defer(() -> find(team, deployment, id)))
                            .map(stored -> withKey(stored, key));
                })));
        return audit.onFailure(useCase, actor, team, ACTION_CREATE, target);
    }

    public Flux<ApiKeyView> list(CurrentUser actor, String team, String deployment) {
        return authorizer.require(actor, team, TeamPermission.VIEW)
                .then(requireDeployment(team, deployment))
                .thenMany(Flux.defer(() -> db.sql("select * from model_api_key where team_slug = :team "
                                + "and deployment = :deployment order by created_at, name")
                        .bind("team", team).bind("deployment", deployment).map(ApiKeyService::view).all()));
    }

    /** Revokes a key; revoking one that is revoked already changes nothing and answers the same. */
    public Mono<ApiKeyView> revoke(CurrentUser actor, String team, String deployment, String keyId) {
        String target = "model-deployment/" + team + "/" + deployment + "/keys/" + keyId;
        Mono<ApiKeyView> useCase = authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.fromCallable(() -> parseId(keyId)))
                .flatMap(id -> find(team, deployment, id)
                        .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "API key not found",
                                "Model deployment " + deployment + " of team " + team + " has no API key " + keyId
                                        + ".")))
                        .flatMap(before -> before.revokedAt() != null ? Mono.just(before)
                                : db.sql("update model_api_key set revoked_at = now(), revoked_by = :by "
                                                + "where id = :id and revoked_at is null")
                                        .bind("by", actor.username()).bind("id", id).then()
                                        .then(audit.record(actor, team, ACTION_REVOKE, target,
                                                Map.of("name", before.name(), "prefix", before.prefix()),
                                                Map.of("revoked", true), Outcome.SUCCESS, ""))
                                        .as(tx::transactional)
                                        .then(Mono.defer(() -> find(team, deployment, id)))));
        return audit.onFailure(useCase, actor, team, ACTION_REVOKE, target);
    }

    /** Whether a bearer credential is meant as a model API key (its scheme) rather than an OIDC access token. */
    public static boolean looksLikeKey(String credential) {
        return ApiKeys.looksLikeKey(credential);
    }

    /**
     * The gateway's check of a presented key: the deployment it opens, or empty when no valid key is that one
     * (unknown, revoked, malformed). Marks the key used (at most once a minute).
     */
    public Mono<Grant> authenticate(String key) {
        if (!ApiKeys.wellFormed(key)) {
            return Mono.empty();
        }
        return db.sql("select id, team_slug, deployment, last_used_at from model_api_key "
                        + "where key_hash = :hash and revoked_at is null")
                .bind("hash", ApiKeys.hash(key))
                .map(row -> new Object[] {new Grant(row.get("id", UUID.class), row.get("team_slug", String.class),
                        row.get("deployment", String.class)), row.get("last_used_at", OffsetDateTime.class)})
                .one()
                .flatMap(found -> {
                    Grant grant = (Grant) found[0];
                    OffsetDateTime lastUsed = (OffsetDateTime) found[1];
                    if (lastUsed != null && lastUsed.toInstant().plus(LAST_USED_GRANULARITY).isAfter(Instant.now())) {
                        return Mono.just(grant);
                    }
                    return db.sql("update model_api_key set last_used_at = now() where id = :id")
                            .bind("id", grant.keyId()).then().thenReturn(grant);
                });
    }

    private Mono<Void> requireDeployment(String team, String deployment) {
        return db.sql("select 1 from model_deployment where team_slug = :team and name = :name")
                .bind("team", team).bind("name", deployment).map(row -> 1).one()
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "Model deployment not found",
                        "Team " + team + " has no model deployment named " + deployment + ".")))
                .then();
    }

    private Mono<ApiKeyView> find(String team, String deployment, UUID id) {
        return db.sql("select * from model_api_key where team_slug = :team and deployment = :deployment "
                        + "and id = :id")
                .bind("team", team).bind("deployment", deployment).bind("id", id).map(ApiKeyService::view).one();
    }

    static String validName(ApiKeyRequest request) {
        String name = request == null || request.name() == null ? "" : request.name().trim();
        if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid API key",
                    "Name the key (1 to " + MAX_NAME + " characters) so the team knows what it is for.")
                    .withField("name");
        }
        return name;
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException notAnId) {
            throw new ApiException(HttpStatus.NOT_FOUND, "API key not found", "'" + (id.length() > 40
                    ? id.substring(0, 40) + "…" : id) + "' is not an API key's id.");
        }
    }

    private static ApiKeyView view(Readable row) {
        return new ApiKeyView(row.get("id", UUID.class), row.get("deployment", String.class),
                row.get("name", String.class), row.get("prefix", String.class),
                instant(row.get("created_at", OffsetDateTime.class)), row.get("created_by", String.class),
                instant(row.get("last_used_at", OffsetDateTime.class)),
                instant(row.get("revoked_at", OffsetDateTime.class)), row.get("revoked_by", String.class), null);
    }

    private static ApiKeyView withKey(ApiKeyView view, String key) {
        return new ApiKeyView(view.id(), view.deployment(), view.name(), view.prefix(), view.createdAt(),
                view.createdBy(), view.lastUsedAt(), view.revokedAt(), view.revokedBy(), key);
    }

    private static Instant instant(OffsetDateTime time) {
        return Optional.ofNullable(time).map(OffsetDateTime::toInstant).orElse(null);
    }

}
