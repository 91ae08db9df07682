package ai.portal.ui.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ai.portal.ui.backend.Backend;
import ai.portal.ui.backend.BackendException;
import com.vaadin.flow.shared.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Probed topics: one upstream watch per topic however many tabs watch it; a change reaches every tab; the watch
 * stops with the last tab; a watcher whose token no longer works is skipped, never used to stop the others' updates.
 * Streamed topics: {@link LiveStreamsTest}.
 */
class LiveUpdatesTest {

    private final Map<String, AtomicInteger> probesPerTopic = new ConcurrentHashMap<>();
    private final AtomicReference<Object> state = new AtomicReference<>("v1");
    private final List<String> probedAs = java.util.Collections.synchronizedList(new ArrayList<>());
    private final LiveUpdates live = new LiveUpdates(Map.of(Topic.TEAM, topic -> {
        probesPerTopic.computeIfAbsent(topic.toString(), key -> new AtomicInteger()).incrementAndGet();
        String user = SecurityContextHolder.getContext().getAuthentication().getName();
        probedAs.add(user);
        if (user.startsWith("revoked")) {
            throw new BackendException(Backend.TENANT, 403, "Forbidden", "not a member", List.of(), null);
        }
        return state.get();
    }), Duration.ofMillis(50));

    @AfterEach
    void stop() {
        live.close();
        SecurityContextHolder.clearContext();
    }

    @Test
    void fiftyTabsOnOneTeamCostOneProbePerBeat() throws InterruptedException {
        AtomicInteger changesSeen = new AtomicInteger();
        List<Registration> tabs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tabs.add(watchAs("alice", Topic.team("vision"), changesSeen::incrementAndGet));
        }
        assertThat(live.activeTopics()).isEqualTo(1);
        assertThat(live.watchers(Topic.team("vision"))).isEqualTo(50);

        Thread.sleep(500);
        int probes = probesPerTopic.get("team/vision").get();
        // ~10 beats of 50 ms; one probe per beat, not one per tab (which would be ~500)
        assertThat(probes).isBetween(3, 15);

        state.set("v2");
        await().atMost(Duration.ofSeconds(2)).until(() -> changesSeen.get() == 50);

        tabs.forEach(Registration::remove);
        assertThat(live.activeTopics()).isZero();
        int afterLastTab = probesPerTopic.get("team/vision").get();
        Thread.sleep(300);
        assertThat(probesPerTopic.get("team/vision").get()).isLessThanOrEqualTo(afterLastTab + 1);
    }

    @Test
    void eachTeamHasItsOwnWatch() {
        AtomicInteger visionChanges = new AtomicInteger();
        AtomicInteger nlpChanges = new AtomicInteger();
        watchAs("alice", Topic.team("vision"), visionChanges::incrementAndGet);
        watchAs("bob", Topic.team("nlp"), nlpChanges::incrementAndGet);
        assertThat(live.activeTopics()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(2)).until(() -> probesPerTopic.containsKey("team/nlp")
                && probesPerTopic.containsKey("team/vision"));
        live.changed(Topic.team("nlp"));
        await().atMost(Duration.ofSeconds(2)).until(() -> nlpChanges.get() == 1);
        assertThat(visionChanges.get()).isZero();
    }

    @Test
    void aWatcherWhoseTokenFailsIsSkippedForTheNextOne() {
        AtomicInteger changesSeen = new AtomicInteger();
        watchAs("revoked-carol", Topic.team("vision"), changesSeen::incrementAndGet);
        watchAs("alice", Topic.team("vision"), changesSeen::incrementAndGet);
        await().atMost(Duration.ofSeconds(2)).until(() -> probedAs.contains("alice"));
        state.set("v2");
        await().atMost(Duration.ofSeconds(2)).until(() -> changesSeen.get() == 2);
    }

    private Registration watchAs(String user, Topic topic, Runnable onChange) {
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken(user, "n/a"));
        try {
            return live.watch(topic, Runnable::run, onChange);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
