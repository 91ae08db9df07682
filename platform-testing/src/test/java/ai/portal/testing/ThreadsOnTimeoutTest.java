package ai.portal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

/**
 * What a red run shows of a hang: the threads that hold things up, not the ones that sleep or wait for work, and
 * whether the JVM itself was starved.
 */
class ThreadsOnTimeoutTest {

    @Test
    void aThreadWaitingForALockIsListedWithItsHolderAndASleepingOneIsNot() throws Exception {
        Object lock = new Object();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().name("lock-holder").start(() -> {
            synchronized (lock) {
                holding.countDown();
                await(release);
            }
        });
        holding.await();
        Thread waiter = Thread.ofPlatform().name("lock-waiter").start(() -> {
            synchronized (lock) {
                lock.notifyAll();
            }
        });
        Thread sleeper = Thread.ofPlatform().name("sleeper").start(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            while (waiter.getState() != Thread.State.BLOCKED || sleeper.getState() != Thread.State.TIMED_WAITING) {
                Thread.sleep(10);
            }
            String described = ThreadsOnTimeout.describeThreads("a test");

            assertThat(described).contains("HANG lock-waiter BLOCKED").contains("held by lock-holder")
                    .doesNotContain("HANG sleeper");
        } finally {
            release.countDown();
            sleeper.interrupt();
            holder.join();
            waiter.join();
            sleeper.join();
        }
    }

    @Test
    void theJvmLineSaysHowLongTheTestRanAndWhatCollectingGarbageTookOfIt() {
        var start = new ThreadsOnTimeout.Start(System.nanoTime() - 90_000_000_000L, 0);

        assertThat(ThreadsOnTimeout.describeJvm("a test", start))
                .matches("HANG JVM while 'a test' ran 9\\d s: \\d+\\.\\d s in garbage collection, heap \\d+ of \\d+ MiB"
                        + "; machine load -?\\d+\\.\\d on \\d+ CPUs");
    }

    @Test
    void onlyFailuresOfACallThatDidNotAnswerCountAsTimeouts() {
        assertThat(ThreadsOnTimeout.isTimeout(new IllegalStateException("Timeout on blocking read for 90000 ms")))
                .isTrue();
        assertThat(ThreadsOnTimeout.isTimeout(new RuntimeException(new TimeoutException()))).isTrue();
        assertThat(ThreadsOnTimeout.isTimeout(new AssertionError("expected 403 but was 409"))).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
