package ai.portal.tenant.quota;

import ai.portal.tenant.quota.QuotaApi.GpuType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
class GpuTypeRepository {

    private final DatabaseClient db;

    GpuTypeRepository(DatabaseClient db) {
        this.db = db;
    }

    Flux<GpuType> findAll() {
        return db.sql("select * from gpu_type order by name")
                .map(row -> new GpuType(row.get("name", String.class), row.get("display_name", String.class),
                        row.get("memory_gib", Integer.class), null))
                .all();
    }

    Mono<Void> insert(GpuType type) {
        return db.sql("insert into gpu_type (name, display_name, memory_gib) values (:name, :display, :memory)")
                .bind("name", type.name()).bind("display", type.displayName())
                .bind("memory", Parameter.fromOrEmpty(type.memoryGib(), Integer.class)).then();
    }

    Mono<Long> teamsUsing(String name) {
        return db.sql("select count(*) as n from team_gpu_quota where gpu_type = :name and gpus > 0").bind("name", name)
                .map(row -> row.get("n", Long.class)).one();
    }

    Mono<Long> delete(String name) {
        return db.sql("delete from team_gpu_quota where gpu_type = :name").bind("name", name).then()
                .then(db.sql("delete from gpu_type where name = :name").bind("name", name).fetch().rowsUpdated());
    }
}
