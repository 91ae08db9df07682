package ai.portal.tenant.store;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamRecord;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * SQL for teams, their members and quotas, shared by the features that read or change them. The services decide;
 * this only reads and writes rows.
 */
@Repository
public class TeamRepository {

    private final DatabaseClient db;

    TeamRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<TeamRecord> find(String slug) {
        return db.sql("select * from team where slug = :slug").bind("slug", slug).map(TeamRepository::teamRow).one();
    }

    public Flux<TeamRecord> findAll() {
        return db.sql("select * from team order by slug").map(TeamRepository::teamRow).all();
    }

    public Flux<TeamRecord> findForMember(String subject) {
        return db.sql("""
                        select t.* from team t join team_member m on m.team_slug = t.slug
                         where m.user_subject = :subject order by t.slug""")
                .bind("subject", subject).map(TeamRepository::teamRow).all();
    }

    public Flux<String> allSlugs() {
        return db.sql("select slug from team").map(row -> row.get("slug", String.class)).all();
    }

    public Mono<Void> insert(String slug, String displayName, String description) {
        return db.sql("insert into team (slug, display_name, description) values (:slug, :name, :description)")
                .bind("slug", slug).bind("name", displayName).bind("description", description).then();
    }

    public Mono<Void> update(String slug, String displayName, String description) {
        return db.sql("""
                        update team set display_name = :name, description = :description, updated_at = now()
                         where slug = :slug""")
                .bind("slug", slug).bind("name", displayName).bind("description", description).then();
    }

    public Mono<Void> setState(String slug, TeamState state) {
        return db.sql("""
                        update team set state = :state, updated_at = now(),
                               archived_at = case when :state = 'archived' then now() else null end
                         where slug = :slug""")
                .bind("slug", slug).bind("state", state.name().toLowerCase()).then();
    }

    /**
     * Locks the team's row until the transaction ends, so changes that check the team's members before they write
     * (it must keep an owner) run one after another per team, each seeing what the one before committed.
     */
    public Mono<Void> lock(String slug) {
        return db.sql("select slug from team where slug = :slug for update").bind("slug", slug).then();
    }

    public Mono<Void> delete(String slug) {
        return db.sql("delete from team where slug = :slug").bind("slug", slug).then();
    }

    // --- members ---------------------------------------------------------------------------------------

    public Flux<Member> members(String slug) {
        return db.sql("select * from team_member where team_slug = :slug order by username")
                .bind("slug", slug)
                .map(row -> new Member(row.get("user_subject", String.class), row.get("username", String.class),
                        TeamRole.fromWire(row.get("role", String.class))))
                .all();
    }

    public Mono<TeamRole> roleOf(String slug, String subject) {
        return db.sql("select role from team_member where team_slug = :slug and user_subject = :subject")
                .bind("slug", slug).bind("subject", subject)
                .map(row -> TeamRole.fromWire(row.get("role", String.class))).one();
    }

    public Mono<Void> addMember(String slug, Member member) {
        return db.sql("""
                        insert into team_member (team_slug, user_subject, username, role)
                        values (:slug, :subject, :username, :role)""")
                .bind("slug", slug).bind("subject", member.subject()).bind("username", member.username())
                .bind("role", member.role().wireName()).then();
    }

    public Mono<Void> changeRole(String slug, String subject, TeamRole role) {
        return db.sql("update team_member set role = :role where team_slug = :slug and user_subject = :subject")
                .bind("slug", slug).bind("subject", subject).bind("role", role.wireName()).then();
    }

    public Mono<Void> removeMember(String slug, String subject) {
        return db.sql("delete from team_member where team_slug = :slug and user_subject = :subject")
                .bind("slug", slug).bind("subject", subject).then();
    }

    // --- quota -------------------------------------------------------------------------------------------

    public Mono<Quota> quota(String slug) {
        Mono<Map<String, Integer>> gpus = db.sql("select gpu_type, gpus from team_gpu_quota where team_slug = :slug")
                .bind("slug", slug)
                .map(row -> Map.entry(row.get("gpu_type", String.class), row.get("gpus", Integer.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new);
        return db.sql("select * from team_quota where team_slug = :slug").bind("slug", slug)
                .map(row -> new Quota(row.get("cpu", String.class), row.get("memory", String.class),
                        row.get("storage", String.class), row.get("pvcs", Integer.class),
                        row.get("max_notebooks", Integer.class), Map.of()))
                .one()
                .zipWith(gpus, (quota, perType) -> new Quota(quota.cpu(), quota.memory(), quota.storage(),
                        quota.pvcs(), quota.maxNotebooks(), perType));
    }

    public Mono<Void> saveQuota(String slug, Quota quota) {
        Mono<Void> base = db.sql("""
                        insert into team_quota (team_slug, cpu, memory, storage, pvcs, max_notebooks)
                        values (:slug, :cpu, :memory, :storage, :pvcs, :notebooks)
                        on conflict (team_slug) do update set cpu = excluded.cpu, memory = excluded.memory,
                            storage = excluded.storage, pvcs = excluded.pvcs, max_notebooks = excluded.max_notebooks,
                            updated_at = now()""")
                .bind("slug", slug).bind("cpu", quota.cpu()).bind("memory", quota.memory())
                .bind("storage", quota.storage()).bind("pvcs", quota.pvcs()).bind("notebooks", quota.maxNotebooks())
                .then();
        Mono<Void> clearGpus = db.sql("delete from team_gpu_quota where team_slug = :slug").bind("slug", slug).then();
        Mono<Void> gpus = Flux.fromIterable(quota.gpus().entrySet())
                .concatMap(gpu -> db.sql("insert into team_gpu_quota (team_slug, gpu_type, gpus) values (:slug, :type, :gpus)")
                        .bind("slug", slug).bind("type", gpu.getKey()).bind("gpus", gpu.getValue()).then())
                .then();
        return base.then(clearGpus).then(gpus);
    }

    /** Everything a sync needs about one team, read in one go; empty when the team does not exist. */
    public Mono<TeamSnapshot> snapshot(String slug) {
        return find(slug).flatMap(team -> Mono.zip(
                        quota(slug).defaultIfEmpty(Quota.DEFAULT),
                        members(slug).collectList(),
                        gpuTypeNames().collectList())
                .map(parts -> new TeamSnapshot(team.slug(), team.displayName(), team.description(), team.state(),
                        parts.getT1(), parts.getT2(), parts.getT3())));
    }

    /** The GPU type catalogue (the {@code nvidia.com/gpu.product} values), sorted by name. */
    public Flux<String> gpuTypeNames() {
        return db.sql("select name from gpu_type order by name").map(row -> row.get("name", String.class)).all();
    }

    private static TeamRecord teamRow(Readable row) {
        return new TeamRecord(row.get("slug", String.class), row.get("display_name", String.class),
                row.get("description", String.class),
                TeamState.valueOf(row.get("state", String.class).toUpperCase()),
                row.get("created_at", Instant.class));
    }

}
