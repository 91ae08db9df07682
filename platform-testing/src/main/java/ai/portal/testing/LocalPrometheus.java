package ai.portal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Prometheus (Debian's {@code prometheus}, or {@code PROMETHEUS_BIN}) started for a test as an
 * operating-system process: its own port, its own data folder under {@code target/}, the scrape targets the test
 * names, a fast scrape and rule interval, and optionally the project's rules (infra/monitoring/rules). {@link #kill()}
 * and {@link #stop()} take it away for real, {@link #restart()} brings it back on the same port and data.
 */
public final class LocalPrometheus extends ChildProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path binary;
    private final Path dir;
    private final int port;

    private LocalPrometheus(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A static scrape target: the job's name, its metrics URL, and whether the target's own labels win. */
    public record Target(String job, URI metrics, boolean honorLabels) {
    }

    public static final class Builder {
        private final List<Target> targets = new ArrayList<>();
        private Duration interval = Duration.ofSeconds(1);
        private boolean projectRules;

        public Builder scrape(String job, URI metrics, boolean honorLabels) {
            targets.add(new Target(job, metrics, honorLabels));
            return this;
        }

        /** Scrape and evaluate the rules this often (default 1 s, so a test sees data within seconds). */
        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        /** Load infra/monitoring/rules/*.yaml, as the local stack and the Helm chart do. */
        public Builder withProjectRules() {
            this.projectRules = true;
            return this;
        }

        public LocalPrometheus start() {
            Path binary = Path.of(System.getenv().getOrDefault("PROMETHEUS_BIN", "/usr/bin/prometheus"));
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " not found: install Debian's prometheus package "
                        + "(./portal test does) or set PROMETHEUS_BIN");
            }
            try {
                Files.createDirectories(Path.of("target"));
                Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "prometheus-");
                int port = freePort();
                Files.writeString(dir.resolve("prometheus.yml"), config(port));
                LocalPrometheus prometheus = new LocalPrometheus(binary, dir, port);
                prometheus.launch();
                return prometheus;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String config(int port) {
            String every = interval.toMillis() + "ms";
            StringBuilder yaml = new StringBuilder()
                    .append("global:\n  scrape_interval: ").append(every)
                    .append("\n  scrape_timeout: ").append(every)
                    .append("\n  evaluation_interval: ").append(every).append('\n');
            if (projectRules) {
                yaml.append("rule_files:\n- '").append(repositoryRoot().resolve("infra/monitoring/rules"))
                        .append("/*.yaml'\n");
            }
            yaml.append("scrape_configs:\n- job_name: prometheus\n  static_configs:\n  - targets: ['127.0.0.1:")
                    .append(port).append("']\n");
            for (Target target : targets) {
                URI uri = target.metrics();
                yaml.append("- job_name: '").append(target.job()).append("'\n")
                        .append("  honor_labels: ").append(target.honorLabels()).append('\n')
                        .append("  scheme: ").append(uri.getScheme()).append('\n')
                        .append("  metrics_path: '").append(uri.getPath().isEmpty() ? "/metrics" : uri.getPath())
                        .append("'\n")
                        .append("  static_configs:\n  - targets: ['").append(uri.getHost()).append(':')
                        .append(uri.getPort()).append("']\n");
            }
            return yaml.toString();
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path log() {
        return dir.resolve("prometheus.log");
    }

    @Override
    protected void launch() {
        try {
            ProcessBuilder builder = new ProcessBuilder(List.of(binary.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--storage.tsdb.retention.time=1d"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            process = builder.start();
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + binary, e);
        }
        awaitReady(Duration.ofSeconds(60));
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(uri().resolve("/-/ready")).timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + "; log: " + log());
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("prometheus was not ready after " + timeout.toSeconds() + " s; log: " + log());
    }

    /** The clone's root: the folder with {@code ./portal} and the reactor's pom. */
    public static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("portal")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not inside the AI Portal repository: " + Path.of("").toAbsolutePath());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
