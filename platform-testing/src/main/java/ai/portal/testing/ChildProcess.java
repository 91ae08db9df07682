package ai.portal.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real operating-system process a test starts and may crash: the lifecycle every such fixture shares (SIGKILL as a
 * crash, SIGTERM then SIGKILL, restart with the same settings); a subclass says how it is launched and when it is
 * ready.
 */
public abstract class ChildProcess implements AutoCloseable {

    protected Process process;

    /** Starts the process and waits until it is ready. */
    protected abstract void launch();

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush, exactly what a crash or an OOM kill does. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(30));
        }
    }

    /** SIGTERM, then SIGKILL if it has not stopped in 30 s. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitForExit(Duration.ofSeconds(30))) {
                kill();
            }
        }
    }

    /** The same settings, ports and data again; waits until it is ready. */
    public void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
