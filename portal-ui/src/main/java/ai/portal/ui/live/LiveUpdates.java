package ai.portal.ui.live;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ai.portal.ui.backend.BackendException;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Server push for everything that changes while a page is open. Each {@link Topic} has at most one upstream watch
 * for all the tabs and users that show it: a backend's change stream ({@link ChangeSource}) where one exists, else a
 * probe every {@code interval} while anyone watches; nothing once the last tab closes. When the topic (or the one
 * item a tab follows) changes, every watching tab is told through {@link UI#access} and reloads what it shows with
 * its own user's token, so no tab ever shows data fetched under another user's rights. See DESIGN.md.
 */
public class LiveUpdates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);
    /** Changes closer together than this reach a tab as one (a burst of queue moves is one reload, not twenty). */
    static final Duration COALESCE = Duration.ofMillis(250);
    static final Duration RECONNECT_MIN = Duration.ofSeconds(1);
    static final Duration RECONNECT_MAX = Duration.ofSeconds(30);

    private final Map<String, Probe> probes;
    private final Map<String, ChangeSource> sources;
    private final Duration interval;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("live-updates").daemon().factory());
    private final ExecutorService probing = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Topic, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong probeCount = new AtomicLong();
    private final AtomicLong connectionCount = new AtomicLong();

    public LiveUpdates(Map<String, Probe> probesByKind, Duration interval) {
        this(probesByKind, Map.of(), interval);
    }

    public LiveUpdates(Map<String, Probe> probesByKind, Map<String, ChangeSource> sourcesByKind, Duration interval) {
        this.probes = Map.copyOf(probesByKind);
        this.sources = Map.copyOf(sourcesByKind);
        this.interval = interval;
    }

    /**
     * Calls {@code onChange} on the UI's thread (with push) whenever the topic changes, until the returned
     * registration is removed or the UI goes away. Must be called in a request of the watching user: their security
     * context is what the shared watch may run with.
     */
    public Registration watch(Topic topic, UI ui, Runnable onChange) {
        return watch(topic, null, ui, onChange);
    }

    /**
     * Follows the topic for as long as {@code view} is attached: a watch starts at each attach (in the request that
     * attaches it, so with its user's security context) and ends at the detach after it. A view that always shows
     * the same topic states only what to reload.
     */
    public void whileAttached(Component view, Topic topic, Runnable onChange) {
        view.addAttachListener(attach -> {
            Registration watching = watch(topic, attach.getUI(), onChange);
            view.addDetachListener(detach -> {
                watching.remove();
                detach.unregisterListener();
            });
        });
    }

    /** The watches of a view that follows what it shows (a team, a workload), ended when it detaches. */
    public ViewWatches watchesOf(Component view) {
        return new ViewWatches(this, view);
    }

    /** As {@link #watch(Topic, UI, Runnable)}, but only for changes of one item of the topic (e.g. one workload). */
    public Registration watch(Topic topic, String item, UI ui, Runnable onChange) {
        Registration watching = watch(topic, item, change -> ui.access(change::run), onChange);
        Registration detach = ui.addDetachListener(event -> watching.remove());
        return () -> {
            detach.remove();
            watching.remove();
        };
    }

    /** How a change reaches one watcher: for a browser tab, {@link UI#access} (which pushes). */
    @FunctionalInterface
    interface Receiver {
        void deliver(Runnable change);
    }

    Registration watch(Topic topic, Receiver receiver, Runnable onChange) {
        return watch(topic, null, receiver, onChange);
    }

    Registration watch(Topic topic, String item, Receiver receiver, Runnable onChange) {
        Watcher watcher = new Watcher(item, receiver, onChange, SecurityContextHolder.getContext());
        Watch watch = watches.compute(topic, (key, existing) -> {
            Watch w = existing != null ? existing : new Watch(topic);
            w.watchers.add(watcher);
            return w;
        });
        watch.startIfNeeded();
        return () -> unwatch(topic, watcher);
    }

    /** Something outside the watch saw the topic change (e.g. this portal changed it): tell its watchers soon. */
    public void changed(Topic topic) {
        Watch watch = watches.get(topic);
        if (watch != null) {
            watch.changed(Set.of());
        }
    }

    /** Topics with at least one watcher: each costs one upstream watch, however many tabs show it. */
    public int activeTopics() {
        return watches.size();
    }

    public int watchers(Topic topic) {
        Watch watch = watches.get(topic);
        return watch == null ? 0 : watch.watchers.size();
    }

    /** Probes run since start: grows with probed topics × time, not with tabs. */
    public long probesRun() {
        return probeCount.get();
    }

    /** Change streams opened since start: one per streamed topic, again after each loss, not one per tab. */
    public long connectionsOpened() {
        return connectionCount.get();
    }

    private void unwatch(Topic topic, Watcher watcher) {
        watches.computeIfPresent(topic, (key, watch) -> {
            watch.watchers.remove(watcher);
            if (watch.watchers.isEmpty()) {
                watch.stop();
                return null;
            }
            watch.left(watcher);
            return watch;
        });
    }

    @Override
    public void close() {
        watches.values().forEach(Watch::stop);
        clock.shutdownNow();
        probing.shutdownNow();
    }

    /** A tab watching a topic, or one item of it ({@code item} null: everything). */
    private record Watcher(String item, Receiver receiver, Runnable onChange, SecurityContext security) {

        boolean wants(Set<String> changed) {
            return item == null || changed.isEmpty() || changed.contains(item);
        }
    }

    private final class Watch {

        final Topic topic;
        final List<Watcher> watchers = new CopyOnWriteArrayList<>();
        // probing
        private ScheduledFuture<?> schedule;
        private volatile Object fingerprint;
        private volatile boolean probing;
        // streaming: the connection, whose rights it runs with, and who was refused since the last success
        private AutoCloseable connection;
        private Connection active;
        private Watcher carrier;
        private final Set<Watcher> refused = new HashSet<>();
        private Map<String, Object> items;
        private Duration backoff = RECONNECT_MIN;
        private ScheduledFuture<?> reconnect;
        private boolean waitingForSomeone;
        private boolean stopped;
        // coalescing
        private Set<String> pending;

        Watch(Topic topic) {
            this.topic = topic;
        }

        synchronized void startIfNeeded() {
            if (sources.containsKey(topic.kind())) {
                if (connection == null && (reconnect == null || waitingForSomeone)) {
                    if (reconnect != null) {
                        reconnect.cancel(false);
                    }
                    connect(); // the first watcher, or a newcomer who may see what nobody before could
                }
                return;
            }
            Probe probe = probes.get(topic.kind());
            if (schedule == null && probe != null) {
                schedule = clock.scheduleWithFixedDelay(() -> probeOnce(probe), 0, interval.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }

        synchronized void stop() {
            stopped = true;
            if (schedule != null) {
                schedule.cancel(false);
                schedule = null;
            }
            if (reconnect != null) {
                reconnect.cancel(false);
                reconnect = null;
            }
            disconnect();
        }

        /** The watcher a stream runs as has gone: open it again as someone still watching. */
        synchronized void left(Watcher watcher) {
            refused.remove(watcher);
            if (watcher == carrier && !stopped) {
                disconnect();
                connect();
            }
        }

        // --- streaming ---------------------------------------------------------------------------------------

        private void connect() {
            reconnect = null;
            if (stopped) {
                return;
            }
            waitingForSomeone = false;
            Watcher next = watchers.stream().filter(w -> !refused.contains(w)).findFirst().orElse(null);
            if (next == null) {
                // nobody here may see it (or all tokens failed): a newcomer tries at once, everyone after a pause
                waitingForSomeone = true;
                scheduleReconnect(RECONNECT_MAX);
                return;
            }
            carrier = next;
            Connection events = new Connection();
            active = events;
            SecurityContextHolder.setContext(next.security());
            try {
                connectionCount.incrementAndGet();
                connection = sources.get(topic.kind()).open(topic, events);
            } catch (BackendException failure) {
                connection = null;
                events.ended(failure.notFoundOrForbidden() || failure.status() == 401);
            } catch (RuntimeException failure) {
                log.debug("Opening the change stream of {} failed", topic, failure);
                connection = null;
                events.ended(false);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }

        private void disconnect() {
            AutoCloseable open = connection;
            connection = null;
            active = null;
            carrier = null;
            if (open != null) {
                try {
                    open.close();
                } catch (Exception ignored) {
                    // closing a stream that already ended
                }
            }
        }

        private void scheduleReconnect(Duration after) {
            if (!stopped && reconnect == null) {
                reconnect = clock.schedule(() -> {
                    synchronized (Watch.this) {
                        refused.clear();
                        connect();
                    }
                }, after.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        /** Reports of one connection; those of a connection already replaced are ignored. */
        private final class Connection implements ChangeSource.Events {

            private boolean current() {
                return active == this && !stopped;
            }

            @Override
            public void all(Map<String, ?> fingerprints) {
                Set<String> changed;
                synchronized (Watch.this) {
                    if (!current()) {
                        return;
                    }
                    backoff = RECONNECT_MIN;
                    refused.clear();
                    if (items == null) {
                        // the first state: tabs loaded before the stream was open may have missed a change
                        items = new HashMap<>(fingerprints);
                        changed = Set.of();
                    } else {
                        changed = new HashSet<>();
                        for (var entry : fingerprints.entrySet()) {
                            if (!Objects.equals(items.get(entry.getKey()), entry.getValue())) {
                                changed.add(entry.getKey());
                            }
                        }
                        for (String known : items.keySet()) {
                            if (!fingerprints.containsKey(known)) {
                                changed.add(known);
                            }
                        }
                        items = new HashMap<>(fingerprints);
                        if (changed.isEmpty()) {
                            return; // reconnected to the same state: nothing for the tabs to do
                        }
                    }
                }
                Watch.this.changed(changed);
            }

            @Override
            public void one(String item, Object fingerprint) {
                synchronized (Watch.this) {
                    if (!current()) {
                        return;
                    }
                    if (items == null) {
                        items = new HashMap<>();
                    }
                    Object before = fingerprint == null ? items.remove(item) : items.put(item, fingerprint);
                    if (Objects.equals(before, fingerprint)) {
                        return;
                    }
                }
                Watch.this.changed(Set.of(item));
            }

            @Override
            public void ended(boolean denied) {
                synchronized (Watch.this) {
                    if (!current()) {
                        return;
                    }
                    Watcher was = carrier;
                    disconnect();
                    if (denied && was != null) {
                        refused.add(was);
                        connect(); // someone else watching may still see it
                    } else {
                        scheduleReconnect(backoff);
                        backoff = backoff.multipliedBy(2).compareTo(RECONNECT_MAX) > 0 ? RECONNECT_MAX
                                : backoff.multipliedBy(2);
                    }
                }
            }
        }

        // --- probing -----------------------------------------------------------------------------------------

        private void probeOnce(Probe probe) {
            if (probing) {
                return; // the previous probe is still waiting on a slow backend: skip a beat instead of piling up
            }
            probing = true;
            LiveUpdates.this.probing.execute(() -> {
                try {
                    Object next = fingerprintAsSomeWatcher(probe);
                    if (next != null) {
                        Object previous = fingerprint;
                        fingerprint = next;
                        if (previous != null && !Objects.equals(previous, next)) {
                            notifyWatchers(Set.of());
                        }
                    }
                } finally {
                    probing = false;
                }
            });
        }

        /** With the rights of the first watcher whose token still works; null when none can read the topic. */
        private Object fingerprintAsSomeWatcher(Probe probe) {
            for (Watcher watcher : watchers) {
                SecurityContextHolder.setContext(watcher.security());
                try {
                    probeCount.incrementAndGet();
                    return probe.fingerprint(topic);
                } catch (BackendException failure) {
                    if (failure.unreachable()) {
                        return null; // the backend is down: the views say so themselves; try again next beat
                    }
                    log.debug("Probe of {} failed for one watcher ({}); trying the next", topic, failure.status());
                } catch (RuntimeException failure) {
                    log.debug("Probe of {} failed for one watcher", topic, failure);
                } finally {
                    SecurityContextHolder.clearContext();
                }
            }
            return null;
        }

        // --- telling the tabs --------------------------------------------------------------------------------

        /** Collects what changed for {@link #COALESCE}, then tells the tabs that follow any of it, once. */
        void changed(Set<String> what) {
            synchronized (this) {
                if (pending != null) {
                    if (!pending.isEmpty()) {
                        if (what.isEmpty()) {
                            pending.clear(); // everything
                        } else {
                            pending.addAll(what);
                        }
                    }
                    return;
                }
                pending = new HashSet<>(what);
            }
            clock.schedule(() -> {
                Set<String> batch;
                synchronized (this) {
                    batch = pending;
                    pending = null;
                }
                notifyWatchers(batch);
            }, COALESCE.toMillis(), TimeUnit.MILLISECONDS);
        }

        void notifyWatchers(Set<String> what) {
            for (Watcher watcher : watchers) {
                if (!watcher.wants(what)) {
                    continue;
                }
                try {
                    watcher.receiver().deliver(watcher.onChange());
                } catch (UIDetachedException gone) {
                    unwatch(topic, watcher);
                }
            }
        }
    }
}
