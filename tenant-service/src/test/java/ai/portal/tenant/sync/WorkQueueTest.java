package ai.portal.tenant.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reconcile queue's promises, without anything to reconcile. */
class WorkQueueTest {

    final WorkQueue queue = new WorkQueue(Duration.ofMillis(20), Duration.ofMillis(200));

    @AfterEach
    void shutDown() {
        queue.shutDown();
    }

    /** take() on another thread, or null when nothing was handed out within the time (that thread then stops). */
    String takeWithin(Duration wait) throws Exception {
        AtomicReference<String> taken = new AtomicReference<>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                taken.set(queue.take());
            } catch (InterruptedException stopped) {
                // nothing was handed out in time
            }
        });
        worker.join(wait);
        if (worker.isAlive()) {
            worker.interrupt();
            worker.join();
        }
        return taken.get();
    }

    @Test
    void aTeamAskedForManyTimesBeforeAWorkerTakesItIsRunOnce() throws Exception {
        queue.add("vision");
        queue.add("vision");
        queue.add("nlp");
        queue.add("vision");

        assertThat(queue.take()).isEqualTo("vision");
        assertThat(queue.take()).isEqualTo("nlp");
        assertThat(queue.depth().waiting()).isZero();
    }

    @Test
    void aTeamIsNeverHandedToTwoWorkersAtOnce() throws Exception {
        queue.add("vision");
        assertThat(queue.take()).isEqualTo("vision");

        queue.add("vision"); // changed again while the first run goes on

        assertThat(takeWithin(Duration.ofMillis(300))).as("no second run while the first is processing").isNull();
        queue.done("vision");
        assertThat(takeWithin(Duration.ofSeconds(5))).as("then one more run").isEqualTo("vision");
    }

    @Test
    void aRequestArrivingAsARunEndsIsNeverLost() throws Exception {
        for (int round = 0; round < 1000; round++) {
            queue.add("vision");
            String taken = queue.take();
            CompletableFuture<Void> request = CompletableFuture.runAsync(() -> queue.add("vision"));
            queue.done(taken);
            request.get(5, TimeUnit.SECONDS);

            assertThat(takeWithin(Duration.ofSeconds(5))).as("round %d: the request is run", round)
                    .isEqualTo("vision");
            queue.done("vision");
        }
    }

    @Test
    void aFailedTeamIsRetriedWithExponentialBackoffUpToTheMaximum() throws Exception {
        assertThat(queue.backoff(1)).isEqualTo(Duration.ofMillis(20));
        assertThat(queue.backoff(2)).isEqualTo(Duration.ofMillis(40));
        assertThat(queue.backoff(4)).isEqualTo(Duration.ofMillis(160));
        assertThat(queue.backoff(5)).isEqualTo(Duration.ofMillis(200));
        assertThat(queue.backoff(64)).isEqualTo(Duration.ofMillis(200));

        queue.add("vision");
        queue.take();
        assertThat(queue.retryLater("vision")).isEqualTo(Duration.ofMillis(20));
        queue.done("vision");
        assertThat(queue.depth().retrying()).isEqualTo(1);
        assertThat(takeWithin(Duration.ofSeconds(5))).isEqualTo("vision");
        assertThat(queue.retryLater("vision")).as("the second failure in a row waits twice as long")
                .isEqualTo(Duration.ofMillis(40));
        queue.done("vision");
        assertThat(takeWithin(Duration.ofSeconds(5))).isEqualTo("vision");

        queue.forget("vision");
        assertThat(queue.retryLater("vision")).as("after a success it starts again").isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void aShutDownQueueWakesItsWorkersAndHandsOutNothing() throws Exception {
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });
        Thread.sleep(100);

        queue.shutDown();
        queue.add("vision");

        assertThat(waiting.get(5, TimeUnit.SECONDS)).isNull();
    }
}
