package ai.portal.tenant.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import ai.portal.tenant.domain.InstallationSync;
import ai.portal.tenant.domain.ReconcileTrigger;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.domain.TeamSync;
import ai.portal.tenant.store.TeamRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The loop that converges every team, run by the replica that leads (see {@link Leadership}); every replica takes
 * requests. On the leader a request goes into a {@link WorkQueue} (deduplicated, never two runs of one team at once,
 * failed runs retried with exponential backoff); other replicas pass it on through {@link ReconcileNotifications}.
 * A few worker threads take teams off the queue; each run reads the team afresh from the database and hands it to
 * every {@link TeamSync}; a team being deleted is removed from each system and then from the database. The shared
 * objects of the installation (the Kueue flavors) are one more key of the queue. When it starts leading, and every
 * resync period, the leader requests everything, so a crash at any point converges and drift nobody watched is
 * repaired; traces of teams the database does not know are removed once they have been orphans for the grace period.
 */
public class TeamReconciler implements ReconcileTrigger, Leadership.Follower {

    private static final Logger log = LoggerFactory.getLogger(TeamReconciler.class);
    /** The queue key of the installation's shared objects; no slug can look like it. */
    static final String INSTALLATION = "*installation";
    /** Sent between replicas for {@link #requestEverything()}. */
    static final String EVERYTHING = "*everything";

    private final TeamRepository teams;
    private final SyncStatusRepository statuses;
    private final List<TeamSync> syncs;
    private final List<InstallationSync> installationSyncs;
    private final ReconcileProperties properties;
    private final Leadership leadership;
    private final ReconcileNotifications notifications;
    private final Timer runTimer;
    private final Counter failedRuns;
    private final Counter timedOutRuns;

    private final Map<String, Instant> orphanSince = new ConcurrentHashMap<>();
    private final Set<String> orphansToRemove = ConcurrentHashMap.newKeySet();
    private final AtomicInteger liveWorkers = new AtomicInteger();
    private volatile WorkQueue queue;
    private volatile Disposable resync;
    private volatile Disposable listening;
    private volatile Instant lastResync;
    private volatile String lastFailure = "";

    TeamReconciler(TeamRepository teams, SyncStatusRepository statuses, List<TeamSync> syncs,
                   List<InstallationSync> installationSyncs, ReconcileProperties properties, Leadership leadership,
                   ReconcileNotifications notifications, MeterRegistry meters) {
        this.teams = teams;
        this.statuses = statuses;
        this.syncs = List.copyOf(syncs);
        this.installationSyncs = List.copyOf(installationSyncs);
        this.properties = properties;
        this.leadership = leadership;
        this.notifications = notifications;
        this.runTimer = Timer.builder("portal.team.reconcile").description("One team converged by every sync")
                .publishPercentileHistogram().register(meters);
        this.failedRuns = Counter.builder("portal.team.reconcile.failures")
                .description("Runs that failed and were retried with backoff").register(meters);
        this.timedOutRuns = Counter.builder("portal.team.reconcile.timeouts")
                .description("Runs the loop stopped waiting for after portal.reconcile.run-timeout").register(meters);
        Gauge.builder("portal.team.reconcile.queue", () -> depth().waiting()).description("Teams waiting for a run")
                .register(meters);
    }

    // --- requests, on every replica ----------------------------------------------------------------------

    @Override
    public void request(String slug) {
        submit(slug);
    }

    @Override
    public void requestInstallation() {
        submit(INSTALLATION);
    }

    @Override
    public void requestEverything() {
        WorkQueue leading = queue;
        if (leading == null) {
            forward(EVERYTHING);
            return;
        }
        leading.add(INSTALLATION);
        teams.allSlugs().subscribe(leading::add, failure -> log.warn("Could not list teams to reconcile", failure));
    }

    private void submit(String key) {
        WorkQueue leading = queue;
        if (leading != null) {
            leading.add(key);
        } else {
            forward(key);
        }
    }

    private void forward(String key) {
        notifications.send(key).subscribe(null, failure ->
                log.warn("Could not pass reconcile request {} to the leader: {}", key, failure.toString()));
    }

    public Mono<TeamStatus> status(String slug, TeamState state) {
        return statuses.find(slug).collectList()
                .map(found -> TeamStatus.of(found, syncs.size(), state == TeamState.DELETING));
    }

    // --- leading -----------------------------------------------------------------------------------------

    @Override
    public synchronized void startLeading() {
        WorkQueue started = new WorkQueue(properties.retryBase(), properties.retryMax());
        queue = started;
        liveWorkers.addAndGet(properties.workers()); // counted before they run, so health never sees a gap
        for (int i = 0; i < properties.workers(); i++) {
            Thread.ofVirtual().name("reconcile-" + i).start(() -> work(started));
        }
        listening = notifications.listen(key -> {
            if (EVERYTHING.equals(key)) {
                requestEverything();
            } else {
                submit(key);
            }
        }, () -> requestEveryTeam(properties.orphanGrace()));
        resync = Flux.interval(properties.resyncPeriod(), properties.resyncPeriod())
                .subscribe(tick -> requestEveryTeam(properties.orphanGrace()));
        requestEveryTeam(properties.orphanGrace());
    }

    @Override
    public synchronized void stopLeading() {
        WorkQueue stopped = queue;
        queue = null;
        if (resync != null) {
            resync.dispose();
        }
        if (listening != null) {
            listening.dispose();
        }
        if (stopped != null) {
            stopped.shutDown();
        }
    }

    boolean isLeading() {
        return queue != null;
    }

    /**
     * Requests the installation's shared objects, every team of the database, and the removal of traces
     * (namespaces, groups, queues) of teams the database does not have that were already orphaned {@code grace}
     * ago. The grace keeps the resync away from traces younger than any sane race: a row whose transaction is still
     * in flight, a test's fixture. On a replica that does not lead this does nothing: the leader resyncs.
     */
    public void requestEveryTeam(Duration grace) {
        WorkQueue leading = queue;
        if (leading == null) {
            return;
        }
        Instant now = Instant.now();
        lastResync = now;
        leading.add(INSTALLATION);
        Mono<Set<String>> known = teams.allSlugs().collect(Collectors.toSet());
        Mono<Set<String>> traced = Flux.fromIterable(syncs)
                .flatMap(sync -> sync.managedSlugs().onErrorResume(failure -> {
                    log.warn("{} could not list the teams it manages: {}", sync.name(), failure.getMessage());
                    return Flux.empty();
                }))
                .collect(Collectors.toSet());
        Mono.zip(known, traced).subscribe(found -> {
            found.getT1().forEach(leading::add);
            orphanSince.keySet().retainAll(found.getT2());
            found.getT2().stream().filter(slug -> !found.getT1().contains(slug)).forEach(slug -> {
                Instant since = orphanSince.computeIfAbsent(slug, orphan -> now);
                if (!since.plus(grace).isAfter(now)) {
                    orphansToRemove.add(slug);
                    leading.add(slug);
                }
            });
        }, failure -> log.warn("Could not list teams to resync", failure));
    }

    // --- the workers -------------------------------------------------------------------------------------

    private void work(WorkQueue from) {
        try {
            while (true) {
                String key = from.take();
                if (key == null) {
                    return;
                }
                runOnce(from, key);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("A reconcile worker stopped", e);
        } finally {
            liveWorkers.decrementAndGet();
        }
    }

    /**
     * One run of {@code key}. The key stays "processing" until the run has really ended, even after the loop stopped
     * waiting for it, so two runs of one team never overlap: a blocking call of a timed-out run may still be going on.
     */
    private void runOnce(WorkQueue from, String key) throws InterruptedException {
        Timer.Sample sample = Timer.start();
        CompletableFuture<Void> run = reconcile(key).toFuture();
        try {
            run.get(properties.runTimeout().toMillis(), TimeUnit.MILLISECONDS);
            finished(from, key, null);
        } catch (ExecutionException e) {
            finished(from, key, e.getCause());
        } catch (TimeoutException e) {
            timedOutRuns.increment();
            log.warn("Reconciling {} takes longer than {}; not waiting any longer, it is run again once it ends",
                    key, properties.runTimeout());
            run.whenComplete((done, error) -> finished(from, key,
                    new TimeoutException("the run took longer than " + properties.runTimeout())));
        } finally {
            sample.stop(runTimer);
        }
    }

    private void finished(WorkQueue from, String key, Throwable failure) {
        if (failure == null) {
            from.forget(key);
        } else {
            failedRuns.increment();
            lastFailure = key + ": " + message(failure);
            Duration delay = from.retryLater(key);
            log.warn("Reconciling {} failed ({}); retrying in {}", key, message(failure), delay);
        }
        from.done(key);
    }

    // --- one run -----------------------------------------------------------------------------------------

    /** Reconciles one key now, on the caller's subscription; fails when any system could not be converged. */
    Mono<Void> reconcile(String key) {
        if (INSTALLATION.equals(key)) {
            return convergeInstallation();
        }
        return teams.snapshot(key)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(found -> found
                        .map(team -> team.state() == TeamState.DELETING ? removeEverywhere(team) : convergeEverywhere(team))
                        .orElseGet(() -> orphansToRemove.contains(key) ? removeOrphan(key) : Mono.empty()));
    }

    private Mono<Void> convergeInstallation() {
        return teams.gpuTypeNames().collectList()
                .flatMap(gpuTypes -> Flux.fromIterable(installationSyncs)
                        .concatMap(sync -> sync.convergeInstallation(gpuTypes)
                                .then(Mono.<String>empty())
                                .onErrorResume(failure -> Mono.just(sync.name() + ": " + message(failure))))
                        .collectList())
                .flatMap(TeamReconciler::failIfAny);
    }

    private Mono<Void> convergeEverywhere(TeamSnapshot team) {
        return Flux.fromIterable(syncs)
                .concatMap(sync -> sync.converge(team)
                        .then(statuses.record(team.slug(), sync.name(), SyncStatus.State.READY, ""))
                        .then(Mono.<String>empty())
                        .onErrorResume(failure -> statuses.record(team.slug(), sync.name(), SyncStatus.State.ERROR,
                                        message(failure))
                                .thenReturn(sync.name() + ": " + message(failure))))
                .collectList()
                .flatMap(TeamReconciler::failIfAny);
    }

    /** Deleted from the database only after every system let go of it, so a crash never leaves orphans. */
    private Mono<Void> removeEverywhere(TeamSnapshot team) {
        return Flux.fromIterable(syncs)
                .concatMap(sync -> sync.remove(team.slug())
                        .then(Mono.<String>empty())
                        .onErrorResume(failure -> statuses.record(team.slug(), sync.name(), SyncStatus.State.ERROR,
                                message(failure)).thenReturn(sync.name() + ": " + message(failure))))
                .collectList()
                .flatMap(failures -> failures.isEmpty() ? teams.delete(team.slug()) : failIfAny(failures));
    }

    /** Traces of a team the database does not know: nothing may keep them. */
    private Mono<Void> removeOrphan(String slug) {
        return Flux.fromIterable(syncs)
                .concatMap(sync -> sync.remove(slug)
                        .then(Mono.<String>empty())
                        .onErrorResume(failure -> Mono.just(sync.name() + ": " + message(failure))))
                .collectList()
                .flatMap(failures -> {
                    if (failures.isEmpty()) {
                        orphansToRemove.remove(slug);
                        orphanSince.remove(slug);
                        log.info("Removed the traces of team {}, which the database does not know", slug);
                    }
                    return failIfAny(failures);
                });
    }

    private static Mono<Void> failIfAny(List<String> failures) {
        return failures.isEmpty() ? Mono.empty()
                : Mono.error(new ReconcileFailedException(String.join("; ", failures)));
    }

    // --- health ------------------------------------------------------------------------------------------

    WorkQueue.Depth depth() {
        WorkQueue leading = queue;
        return leading == null ? new WorkQueue.Depth(0, 0, 0) : leading.depth();
    }

    int liveWorkers() {
        return liveWorkers.get();
    }

    Optional<Instant> lastResync() {
        return Optional.ofNullable(lastResync);
    }

    String lastFailure() {
        return lastFailure;
    }

    ReconcileProperties properties() {
        return properties;
    }

    Leadership leadership() {
        return leadership;
    }

    private static String message(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    /** One or more systems could not be converged; the message lists each with its own words. */
    static final class ReconcileFailedException extends RuntimeException {
        ReconcileFailedException(String message) {
            super(message);
        }
    }

    List<String> syncNames() {
        List<String> names = new ArrayList<>();
        syncs.forEach(sync -> names.add(sync.name()));
        return names;
    }
}
