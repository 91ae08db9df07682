package ai.portal.logs.collector;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The one place the collector's blocking work (file IO, bulk requests) is put on {@code boundedElastic}: a
 * step runs there, says how long to wait before the next one, and is repeated until stopped. A failing step is
 * logged and retried a second later; it never ends the loop.
 */
final class CollectorLoop {

    private static final Logger log = LoggerFactory.getLogger(CollectorLoop.class);

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Disposable subscription;

    private CollectorLoop(String name, Callable<Duration> step, BooleanSupplier running) {
        subscription = Mono.fromCallable(step)
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(failure -> {
                    log.warn("Collector {} step failed; retrying in 1 s", name, failure);
                    return Mono.just(Duration.ofSeconds(1));
                })
                .flatMap(wait -> wait.isZero() ? Mono.just(wait) : Mono.delay(wait).thenReturn(wait))
                .repeat(running)
                .doFinally(signal -> finished.countDown())
                .subscribe();
    }

    static CollectorLoop start(String name, Callable<Duration> step, BooleanSupplier running) {
        return new CollectorLoop(name, step, running);
    }

    /** Waits for the step in progress to finish (the caller has made {@code running} false). */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Cancels at once, interrupting a step in progress: what a crash would do. */
    void cancel() {
        subscription.dispose();
    }
}
