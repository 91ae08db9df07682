package ai.portal.tenant.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import ai.portal.tenant.domain.ReconcileTrigger;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.domain.TeamSync;
import ai.portal.tenant.store.TeamRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The work queue that converges every team: a request puts the team's slug in the queue once however often it is
 * asked for, a few workers take slugs off it, and a team is never worked on by two workers at once (a request that
 * arrives while it is being worked on runs it again afterwards). Each run reads the team afresh from the database
 * and hands it to every {@link TeamSync}; a team being deleted is removed from each system and then from the
 * database. Everything is re-requested at start (so a crash at any point converges) and every resync period (so
 * drift nobody watched is repaired too).
 */
@Component
public class TeamReconciler implements ReconcileTrigger, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TeamReconciler.class);
    private static final int WORKERS = 4;

    private final TeamRepository teams;
    private final SyncStatusRepository statuses;
    private final List<TeamSync> syncs;
    private final Duration resyncPeriod;
    private final Timer runTimer;

    private final Sinks.Many<String> queue = Sinks.many().unicast().onBackpressureBuffer();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> again = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> orphanSince = new ConcurrentHashMap<>();
    private final Set<String> orphansToRemove = ConcurrentHashMap.newKeySet();
    private final Duration orphanGrace;
    private volatile Disposable workers;
    private volatile Disposable resync;

    TeamReconciler(TeamRepository teams, SyncStatusRepository statuses, List<TeamSync> syncs,
                   @Value("${portal.reconcile.resync-period:5m}") Duration resyncPeriod,
                   @Value("${portal.reconcile.orphan-grace:10m}") Duration orphanGrace, MeterRegistry meters) {
        this.orphanGrace = orphanGrace;
        this.teams = teams;
        this.statuses = statuses;
        this.syncs = List.copyOf(syncs);
        this.resyncPeriod = resyncPeriod;
        this.runTimer = Timer.builder("portal.team.reconcile").description("One team converged by every sync")
                .publishPercentileHistogram().register(meters);
    }

    @Override
    public void request(String slug) {
        if (running.contains(slug)) {
            again.add(slug);
        } else if (queued.add(slug)) {
            queue.emitNext(slug, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        }
    }

    public Mono<TeamStatus> status(String slug, TeamState state) {
        return statuses.find(slug).collectList()
                .map(found -> TeamStatus.of(found, syncs.size(), state == TeamState.DELETING));
    }

    /** Reconciles one team now, on the caller's subscription; the queue uses the same path. */
    Mono<Void> reconcile(String slug) {
        return teams.snapshot(slug)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(found -> found
                        .map(team -> team.state() == TeamState.DELETING ? removeEverywhere(team) : convergeEverywhere(team))
                        .orElseGet(() -> orphansToRemove.remove(slug) ? removeOrphan(slug) : Mono.empty()))
                .onErrorResume(failure -> {
                    log.warn("Reconciling team {} failed: {}", slug, failure.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> convergeEverywhere(TeamSnapshot team) {
        return Flux.fromIterable(syncs)
                .concatMap(sync -> sync.converge(team)
                        .then(statuses.record(team.slug(), sync.name(), SyncStatus.State.READY, ""))
                        .onErrorResume(failure -> {
                            log.warn("{} sync of team {} failed: {}", sync.name(), team.slug(), failure.getMessage());
                            return statuses.record(team.slug(), sync.name(), SyncStatus.State.ERROR, message(failure));
                        }))
                .then();
    }

    /** Deleted from the database only after every system let go of it, so a crash never leaves orphans. */
    private Mono<Void> removeEverywhere(TeamSnapshot team) {
        return Flux.fromIterable(syncs)
                .concatMap(sync -> sync.remove(team.slug())
                        .thenReturn(true)
                        .onErrorResume(failure -> statuses.record(team.slug(), sync.name(), SyncStatus.State.ERROR,
                                message(failure)).thenReturn(false)))
                .all(Boolean::booleanValue)
                .flatMap(allGone -> allGone ? teams.delete(team.slug()) : Mono.empty());
    }

    /** Traces of a team the database does not know: nothing may keep them. */
    private Mono<Void> removeOrphan(String slug) {
        return Flux.fromIterable(syncs)
                .concatMap(sync -> sync.remove(slug).onErrorResume(failure -> {
                    log.warn("{} could not remove orphaned team {}: {}", sync.name(), slug, failure.getMessage());
                    return Mono.empty();
                }))
                .then();
    }

    private void work(String slug) {
        queued.remove(slug);
        running.add(slug);
    }

    /** Every team of the database, and the orphans past their grace period (see {@link #requestEveryTeam(Duration)}). */
    @EventListener(ApplicationReadyEvent.class)
    public void requestEveryTeam() {
        requestEveryTeam(orphanGrace);
    }

    /**
     * Requests every team of the database, and the removal of traces (namespaces, groups) of teams the database
     * does not have that were already orphaned {@code grace} ago. The grace keeps the resync away from traces
     * that are younger than any sane race: someone else's namespace being set up, a test's fixture.
     */
    public void requestEveryTeam(Duration grace) {
        Instant now = Instant.now();
        Mono<Set<String>> known = teams.allSlugs().collect(Collectors.toSet());
        Mono<Set<String>> traced = Flux.fromIterable(syncs)
                .flatMap(sync -> sync.managedSlugs().onErrorResume(failure -> {
                    log.warn("{} could not list the teams it manages: {}", sync.name(), failure.getMessage());
                    return Flux.empty();
                }))
                .collect(Collectors.toSet());
        Mono.zip(known, traced).subscribe(found -> {
            found.getT1().forEach(this::request);
            orphanSince.keySet().retainAll(found.getT2());
            found.getT2().stream().filter(slug -> !found.getT1().contains(slug)).forEach(slug -> {
                Instant since = orphanSince.computeIfAbsent(slug, orphan -> now);
                if (!since.plus(grace).isAfter(now)) {
                    orphansToRemove.add(slug);
                    request(slug);
                }
            });
        }, failure -> log.warn("Could not list teams to resync", failure));
    }

    @Override
    public void start() {
        workers = queue.asFlux()
                .doOnNext(this::work)
                .flatMap(slug -> {
                    Timer.Sample sample = Timer.start();
                    return reconcile(slug)
                            .doFinally(signal -> {
                                sample.stop(runTimer);
                                running.remove(slug);
                                if (again.remove(slug)) {
                                    request(slug);
                                }
                            });
                }, WORKERS)
                .subscribe();
        resync = Flux.interval(resyncPeriod, resyncPeriod)
                .subscribe(tick -> requestEveryTeam());
    }

    @Override
    public void stop() {
        if (resync != null) resync.dispose();
        if (workers != null) workers.dispose();
    }

    @Override
    public boolean isRunning() {
        return workers != null && !workers.isDisposed();
    }

    private static String message(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
