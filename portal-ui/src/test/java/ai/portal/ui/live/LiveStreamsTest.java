package ai.portal.ui.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ai.portal.ui.backend.Backend;
import ai.portal.ui.backend.BackendException;
import com.vaadin.flow.shared.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Topics a backend streams (a team's workloads): one connection per team for every tab of every user, opened as
 * one of the watchers and opened again as another when that one may no longer see the team or leaves; changes reach
 * the tabs that follow them, coalesced; a lost connection comes back and tells only what changed meanwhile; no
 * probing.
 */
class LiveStreamsTest {

    /** A fake job runner stream: records who opened it and lets the test send events. */
    private final List<Opened> opened = new CopyOnWriteArrayList<>();
    private final AtomicInteger probes = new AtomicInteger();
    private final LiveUpdates live = new LiveUpdates(
            Map.of(Topic.WORKLOADS, topic -> probes.incrementAndGet()),
            Map.of(Topic.WORKLOADS, (topic, events) -> {
                String user = SecurityContextHolder.getContext().getAuthentication().getName();
                if (user.startsWith("outsider")) {
                    throw new BackendException(Backend.JOBS, 404, "Not found", "no such team", List.of(), null);
                }
                Opened connection = new Opened(topic, user, events);
                opened.add(connection);
                return () -> connection.closed = true;
            }),
            Duration.ofMillis(50));

    private static final class Opened {
        final Topic topic;
        final String user;
        final ChangeSource.Events events;
        volatile boolean closed;

        Opened(Topic topic, String user, ChangeSource.Events events) {
            this.topic = topic;
            this.user = user;
            this.events = events;
        }
    }

    @AfterEach
    void stop() {
        live.close();
        SecurityContextHolder.clearContext();
    }

    @Test
    void fiftyTabsOfSeveralUsersShareOneConnectionPerTeamAndNothingIsPolled() throws InterruptedException {
        AtomicInteger reloads = new AtomicInteger();
        List<Registration> tabs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tabs.add(watchAs(i % 2 == 0 ? "alice" : "carol", Topic.workloads("vision"), null, reloads::incrementAndGet));
        }
        assertThat(opened).hasSize(1);
        assertThat(live.connectionsOpened()).isEqualTo(1);
        Opened stream = opened.getFirst();
        stream.events.all(Map.of("nb1", "Running"));
        await().atMost(Duration.ofSeconds(2)).until(() -> reloads.get() == 50); // the first state: everyone reloads

        stream.events.one("job1", "Queued #1");
        await().atMost(Duration.ofSeconds(2)).until(() -> reloads.get() == 100);
        Thread.sleep(300);
        assertThat(probes.get()).as("a streamed topic is never probed").isZero();

        tabs.forEach(Registration::remove);
        assertThat(stream.closed).as("the last tab closes the connection").isTrue();
        assertThat(live.activeTopics()).isZero();
    }

    @Test
    void aDetailFollowsOnlyItsOwnWorkloadWhileListsFollowAll() {
        AtomicInteger detailOfNb1 = new AtomicInteger();
        AtomicInteger list = new AtomicInteger();
        watchAs("alice", Topic.workloads("vision"), "nb1", detailOfNb1::incrementAndGet);
        watchAs("alice", Topic.workloads("vision"), null, list::incrementAndGet);
        Opened stream = opened.getFirst();
        stream.events.all(Map.of("nb1", "Pending", "job1", "Pending"));
        await().atMost(Duration.ofSeconds(2)).until(() -> list.get() == 1 && detailOfNb1.get() == 1);

        stream.events.one("job1", "Running");
        await().atMost(Duration.ofSeconds(2)).until(() -> list.get() == 2);
        stream.events.one("nb1", "Running");
        await().atMost(Duration.ofSeconds(2)).until(() -> list.get() == 3 && detailOfNb1.get() == 2);
        stream.events.one("nb1", "Running");
        assertThat(detailOfNb1.get()).as("the same state again is no change").isEqualTo(2);
    }

    @Test
    void aBurstOfChangesReachesATabAsOneReload() throws InterruptedException {
        AtomicInteger reloads = new AtomicInteger();
        watchAs("alice", Topic.workloads("vision"), null, reloads::incrementAndGet);
        Opened stream = opened.getFirst();
        stream.events.all(Map.of());
        await().atMost(Duration.ofSeconds(2)).until(() -> reloads.get() == 1);
        for (int i = 0; i < 20; i++) {
            stream.events.one("job" + i, "Queued #" + (i + 1));
        }
        Thread.sleep(LiveUpdates.COALESCE.toMillis() * 3);
        assertThat(reloads.get()).isEqualTo(2);
    }

    @Test
    void whenTheUserItRunsAsIsDeniedItIsOpenedAgainAsAnotherWatcher() {
        AtomicInteger bobReloads = new AtomicInteger();
        watchAs("alice", Topic.workloads("vision"), null, () -> { });
        watchAs("bob", Topic.workloads("vision"), null, bobReloads::incrementAndGet);
        assertThat(opened.getFirst().user).isEqualTo("alice");

        opened.getFirst().events.ended(true); // alice was removed from the team
        assertThat(opened).hasSize(2);
        assertThat(opened.get(1).user).isEqualTo("bob");
        assertThat(opened.getFirst().closed).isTrue();
    }

    @Test
    void anOutsiderWhoWatchesFirstDoesNotKeepTheOthersFromUpdates() {
        AtomicInteger aliceReloads = new AtomicInteger();
        watchAs("outsider-bob", Topic.workloads("vision"), null, () -> { });
        assertThat(opened).isEmpty();
        watchAs("alice", Topic.workloads("vision"), null, aliceReloads::incrementAndGet);
        // bob was refused: alice, arriving, opens it at once
        assertThat(opened).hasSize(1);
        assertThat(opened.getFirst().user).isEqualTo("alice");
    }

    @Test
    void whenTheUserItRunsAsClosesTheirTabItIsOpenedAgainAsSomeoneStillWatching() {
        Registration alice = watchAs("alice", Topic.workloads("vision"), null, () -> { });
        watchAs("carol", Topic.workloads("vision"), null, () -> { });
        alice.remove();
        assertThat(opened).hasSize(2);
        assertThat(opened.getFirst().closed).isTrue();
        assertThat(opened.get(1).user).isEqualTo("carol");
    }

    @Test
    void aLostConnectionComesBackAndTellsOnlyWhatChangedMeanwhile() {
        AtomicInteger nb1 = new AtomicInteger();
        AtomicInteger nb2 = new AtomicInteger();
        watchAs("alice", Topic.workloads("vision"), "nb1", nb1::incrementAndGet);
        watchAs("alice", Topic.workloads("vision"), "nb2", nb2::incrementAndGet);
        opened.getFirst().events.all(Map.of("nb1", "Running", "nb2", "Running"));
        await().atMost(Duration.ofSeconds(2)).until(() -> nb1.get() == 1 && nb2.get() == 1);

        opened.getFirst().events.ended(false); // the job runner restarted
        await().atMost(LiveUpdates.RECONNECT_MIN.plusSeconds(3)).until(() -> opened.size() == 2);
        opened.get(1).events.all(Map.of("nb1", "Running", "nb2", "Stopped"));
        await().atMost(Duration.ofSeconds(2)).until(() -> nb2.get() == 2);
        assertThat(nb1.get()).isEqualTo(1);

        // a report of the old connection, arriving late, changes nothing
        opened.getFirst().events.one("nb1", "Failed");
        assertThat(nb1.get()).isEqualTo(1);
    }

    private Registration watchAs(String user, Topic topic, String item, Runnable onChange) {
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken(user, "n/a"));
        try {
            return live.watch(topic, item, Runnable::run, onChange);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
