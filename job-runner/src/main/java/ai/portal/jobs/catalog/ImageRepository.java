package ai.portal.jobs.catalog;

import java.time.Instant;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for the image catalogue. */
@Repository
class ImageRepository {

    private static final String INSERT = """
            insert into image (id, reference, display_name, description, for_notebooks, for_jobs, cuda, enabled)
            values (:id, :reference, :name, :description, :notebooks, :jobs, :cuda, :enabled)""";

    private final DatabaseClient db;

    ImageRepository(DatabaseClient db) {
        this.db = db;
    }

    Flux<Image> findAll() {
        return db.sql("select * from image order by display_name, id").map(ImageRepository::image).all();
    }

    Mono<Image> find(String id) {
        return db.sql("select * from image where id = :id").bind("id", id).map(ImageRepository::image).one();
    }

    Mono<Image> findByReference(String reference) {
        return db.sql("select * from image where reference = :reference").bind("reference", reference)
                .map(ImageRepository::image).one();
    }

    Mono<Void> insert(ImageRequest image) {
        return bound(INSERT, image).then();
    }

    private DatabaseClient.GenericExecuteSpec bound(String sql, ImageRequest image) {
        return db.sql(sql)
                .bind("id", image.id()).bind("reference", image.reference()).bind("name", image.displayName())
                .bind("description", image.description() == null ? "" : image.description())
                .bind("notebooks", image.forNotebooks()).bind("jobs", image.forJobs()).bind("cuda", image.cuda())
                .bind("enabled", image.enabled() == null || image.enabled());
    }

    Mono<Long> update(String id, ImageRequest image) {
        return bound("""
                update image set reference = :reference, display_name = :name, description = :description,
                       for_notebooks = :notebooks, for_jobs = :jobs, cuda = :cuda, enabled = :enabled,
                       updated_at = now()
                 where id = :id""", image).bind("id", id).fetch().rowsUpdated();
    }

    Mono<Long> delete(String id) {
        return db.sql("delete from image where id = :id").bind("id", id).fetch().rowsUpdated();
    }

    private static Image image(Readable row) {
        return new Image(row.get("id", String.class), row.get("reference", String.class),
                row.get("display_name", String.class), row.get("description", String.class),
                Boolean.TRUE.equals(row.get("for_notebooks", Boolean.class)),
                Boolean.TRUE.equals(row.get("for_jobs", Boolean.class)),
                Boolean.TRUE.equals(row.get("cuda", Boolean.class)),
                Boolean.TRUE.equals(row.get("enabled", Boolean.class)),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }
}
