package ai.portal.ui.live;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;

/**
 * A page part that changes on a clock nobody pushes from: a chart's next point, the figures Prometheus and the VPA
 * recommender update on their own schedules. One daemon thread for all tabs runs the beats; each beat enters its UI
 * ({@link UI#access}) and stops by itself once that UI is gone, so a closed tab costs nothing after its next beat.
 * Whatever the beat fetches, it fetches with its own tab's rights ({@code Async}); the clock only says when.
 */
public final class Beat {

    private static final ScheduledExecutorService CLOCK = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("ui-beat").daemon().factory());

    private Beat() {
    }

    /** Runs {@code inUi} inside {@code ui} every {@code period} until removed or the UI is detached. */
    public static Registration every(UI ui, Duration period, Runnable inUi) {
        ScheduledFuture<?>[] beat = new ScheduledFuture<?>[1];
        beat[0] = CLOCK.scheduleWithFixedDelay(() -> {
            try {
                ui.access(inUi::run);
            } catch (UIDetachedException gone) {
                beat[0].cancel(false);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return () -> beat[0].cancel(false);
    }
}
