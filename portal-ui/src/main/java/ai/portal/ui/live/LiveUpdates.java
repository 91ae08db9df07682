package ai.portal.ui.live;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ai.portal.ui.backend.BackendException;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Server push for everything that changes while a page is open. Each {@link Topic} has at most one upstream watch
 * for all the tabs and users that show it: a probe every {@code interval} while anyone watches, nothing once the
 * last tab closes, or an event source ({@link #changed}) where a backend streams changes. When the topic's
 * fingerprint changes, every watching tab is told through {@link UI#access} and reloads what it shows with its
 * own user's token, so no tab ever shows data fetched under another user's rights. See DESIGN.md.
 */
public class LiveUpdates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);

    private final Map<String, Probe> probes;
    private final Duration interval;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("live-updates").daemon().factory());
    private final ExecutorService probing = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Topic, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong probeCount = new AtomicLong();

    public LiveUpdates(Map<String, Probe> probesByKind, Duration interval) {
        this.probes = Map.copyOf(probesByKind);
        this.interval = interval;
    }

    /**
     * Calls {@code onChange} on the UI's thread (with push) whenever the topic changes, until the returned
     * registration is removed or the UI goes away. Must be called in a request of the watching user: their security
     * context is what the shared probe may run with.
     */
    public Registration watch(Topic topic, UI ui, Runnable onChange) {
        Registration watching = watch(topic, change -> ui.access(change::run), onChange);
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
        Watcher watcher = new Watcher(receiver, onChange, SecurityContextHolder.getContext());
        Watch watch = watches.compute(topic, (key, existing) -> {
            Watch w = existing != null ? existing : new Watch(topic);
            w.watchers.add(watcher);
            return w;
        });
        watch.startIfNeeded();
        return () -> unwatch(topic, watcher);
    }

    /** An event source saw the topic change (e.g. a backend's event stream): tell its watchers now. */
    public void changed(Topic topic) {
        Watch watch = watches.get(topic);
        if (watch != null) {
            watch.notifyWatchers();
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

    /** Probes run since start: grows with topics × time, not with tabs. */
    public long probesRun() {
        return probeCount.get();
    }

    private void unwatch(Topic topic, Watcher watcher) {
        watches.computeIfPresent(topic, (key, watch) -> {
            watch.watchers.remove(watcher);
            if (watch.watchers.isEmpty()) {
                watch.stop();
                return null;
            }
            return watch;
        });
    }

    @Override
    public void close() {
        clock.shutdownNow();
        probing.shutdownNow();
    }

    private record Watcher(Receiver receiver, Runnable onChange, SecurityContext security) {
    }

    private final class Watch {

        final Topic topic;
        final List<Watcher> watchers = new CopyOnWriteArrayList<>();
        private ScheduledFuture<?> schedule;
        private volatile Object fingerprint;
        private volatile boolean probing;

        Watch(Topic topic) {
            this.topic = topic;
        }

        synchronized void startIfNeeded() {
            Probe probe = probes.get(topic.kind());
            if (schedule == null && probe != null) {
                schedule = clock.scheduleWithFixedDelay(() -> probeOnce(probe), 0, interval.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }

        synchronized void stop() {
            if (schedule != null) {
                schedule.cancel(false);
                schedule = null;
            }
        }

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
                            notifyWatchers();
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

        void notifyWatchers() {
            for (Watcher watcher : watchers) {
                try {
                    watcher.receiver().deliver(watcher.onChange());
                } catch (UIDetachedException gone) {
                    unwatch(topic, watcher);
                }
            }
        }
    }
}
