package ai.portal.tenant.sync;

import java.time.Duration;
import java.util.function.Consumer;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * How a replica that is not the leader hands a request to the one that is: PostgreSQL's {@code NOTIFY} on a channel
 * of this installation, which the leader {@code LISTEN}s to on a connection of its own. The database is already
 * shared by every replica and delivers a notification to every listener, in order; one that nobody hears (no leader
 * right then) is covered by the new leader requesting every team when it starts leading.
 */
class ReconcileNotifications {

    private static final Logger log = LoggerFactory.getLogger(ReconcileNotifications.class);

    private final DatabaseClient db;
    private final ConnectionFactory connections;
    private final String channel;

    /**
     * @param instance the installation id: each installation has its own channel, even on a shared database
     */
    ReconcileNotifications(DatabaseClient db, ConnectionFactory connections, String instance) {
        this.db = db;
        this.connections = connections instanceof ConnectionPool pool ? pool.unwrap() : connections;
        this.channel = "tenant_reconcile_" + instance.replace('-', '_');
    }

    /** Tells the leader, wherever it runs, that {@code key} wants reconciling. */
    Mono<Void> send(String key) {
        return db.sql("select pg_notify(:channel, :key)").bind("channel", channel).bind("key", key).then();
    }

    /**
     * Listens until disposed, on a connection outside the pool (a listening connection cannot be shared),
     * reconnecting with backoff when it breaks. {@code onListening} runs each time listening (re)starts: what was
     * sent while nobody listened must be made up for.
     */
    Disposable listen(Consumer<String> onKey, Runnable onListening) {
        Flux<String> keys = Flux.usingWhen(
                Mono.from(connections.create()),
                connection -> Mono.from(connection.createStatement("LISTEN " + channel).execute())
                        .flatMap(result -> Mono.from(result.getRowsUpdated()))
                        .doOnSuccess(listening -> {
                            log.info("listening for reconcile requests on {}", channel);
                            onListening.run();
                        })
                        .thenMany(((PostgresqlConnection) connection).getNotifications())
                        .mapNotNull(notification -> notification.getParameter()),
                Connection::close);
        return keys
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
                        .doBeforeRetry(retry -> log.warn("listening for reconcile requests failed ({}); retrying",
                                retry.failure().toString())))
                .subscribe(key -> {
                    try {
                        onKey.accept(key);
                    } catch (RuntimeException e) {
                        log.warn("could not queue reconcile request {}", key, e);
                    }
                });
    }
}
