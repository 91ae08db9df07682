package ai.portal.testing;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * When a test fails because a call did not answer in time, prints what this JVM's threads (the service under test
 * runs in it) were doing at that moment, one line per busy thread prefixed {@code HANG}, so that a hang seen only in
 * CI leaves evidence in the log (the red-run summary of {@code ./portal test} shows these lines). Threads idle in a
 * pool, a selector, a sleep or a timed wait are counted, not listed. The last line says whether the JVM or the machine
 * was the cause rather than a call: the share of the test's time the JVM spent collecting garbage, its heap, and the
 * machine's load (a thread caught at an allocation in a JVM that collected for most of the wait is a starved JVM, not a
 * lost request). The failure itself goes on unchanged. Registered for every test class of the suites that use this
 * module (a service, {@code junit-platform.properties}).
 */
public class ThreadsOnTimeout implements BeforeTestExecutionCallback, TestExecutionExceptionHandler {

    static final String PREFIX = "HANG ";
    private static final int FRAMES = 6;
    private static final List<String> IDLE_TOP_FRAMES = List.of("EPoll.wait", "Native.epollWait", "Native.epollBusyWait",
            "KQueue", "SelectorImpl.select", "Net.poll", "Net.accept", "NioSocketImpl.timedAccept",
            "Reference.waitForReferencePendingList", "FileInputStream.readBytes");
    private static final List<String> IDLE_POOL_FRAMES = List.of("ThreadPoolExecutor.getTask",
            "ForkJoinPool.awaitWork", "ForkJoinPool.runWorker", "ScheduledThreadPoolExecutor$DelayedWorkQueue.take",
            "LinkedBlockingQueue.take", "LinkedBlockingQueue.poll", "SynchronousQueue", "Reference$ReferenceHandler",
            "Finalizer$FinalizerThread", "CleanerImpl.run", "Object.wait0", "Thread.sleep",
            // Spring Boot's non-daemon thread that keeps a Netty server's JVM alive: it waits for the server's end
            "NettyWebServer");
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(ThreadsOnTimeout.class);

    /** Where the JVM stood when a test began: the time and garbage collection its hang line compares against. */
    record Start(long nanos, long gcMillis) {
        static Start now() {
            return new Start(System.nanoTime(), collectionMillis());
        }
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        context.getStore(STORE).put(Start.class, Start.now());
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (isTimeout(failure)) {
            Start start = context.getStore(STORE).get(Start.class, Start.class);
            System.err.println(describeThreads(context.getDisplayName()));
            System.err.println(describeJvm(context.getDisplayName(), start == null ? Start.now() : start));
            System.err.flush();
        }
        throw failure;
    }

    /** One line: how long the test ran, how much of it went to garbage collection, the heap and the machine's load. */
    static String describeJvm(String test, Start start) {
        double seconds = (System.nanoTime() - start.nanos()) / 1e9;
        double gcSeconds = (collectionMillis() - start.gcMillis()) / 1e3;
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        var system = ManagementFactory.getOperatingSystemMXBean();
        return String.format(Locale.ROOT, "%sJVM while '%s' ran %.0f s: %.1f s in garbage collection, heap %d of %d MiB"
                        + "; machine load %.1f on %d CPUs", PREFIX, test, seconds, gcSeconds, heap.getUsed() >> 20,
                heap.getMax() >> 20, system.getSystemLoadAverage(), system.getAvailableProcessors());
    }

    private static long collectionMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(time -> time > 0).sum();
    }

    static boolean isTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (cause instanceof TimeoutException || message.contains("timeout on blocking read")
                    || message.contains("did not answer in time")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /** The busy threads, one {@code HANG} line each, and a count of the idle ones. */
    static String describeThreads(String test) {
        ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
        StringBuilder out = new StringBuilder();
        int idle = 0;
        for (ThreadInfo thread : threads) {
            StackTraceElement[] stack = thread.getStackTrace();
            if (thread.getThreadId() == Thread.currentThread().threadId() || isIdle(thread, stack)) {
                idle++;
                continue;
            }
            out.append(PREFIX).append(thread.getThreadName()).append(' ').append(thread.getThreadState());
            if (thread.getLockName() != null) {
                out.append(" on ").append(thread.getLockName());
                if (thread.getLockOwnerName() != null) {
                    out.append(" held by ").append(thread.getLockOwnerName());
                }
            }
            out.append(": ").append(Arrays.stream(stack).limit(FRAMES).map(ThreadsOnTimeout::frame)
                    .collect(Collectors.joining(" < "))).append('\n');
        }
        return PREFIX + "threads of the test JVM when '" + test + "' timed out: " + threads.length + ", "
                + idle + " idle (not listed)\n" + out;
    }

    private static boolean isIdle(ThreadInfo thread, StackTraceElement[] stack) {
        if (stack.length == 0) {
            return true;
        }
        String top = frame(stack[0]);
        if (IDLE_TOP_FRAMES.stream().anyMatch(top::contains)) {
            return true;
        }
        if (thread.getThreadState() == Thread.State.RUNNABLE || thread.getThreadState() == Thread.State.BLOCKED) {
            return false;
        }
        String frames = Arrays.stream(stack).limit(12).map(ThreadsOnTimeout::frame).collect(Collectors.joining(" "));
        return IDLE_POOL_FRAMES.stream().anyMatch(frames::contains);
    }

    private static String frame(StackTraceElement element) {
        String type = element.getClassName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + element.getMethodName()
                + (element.getLineNumber() > 0 ? ":" + element.getLineNumber() : "");
    }
}
