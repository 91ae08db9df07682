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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One of the portal's services started from its boot jar as a real operating-system process, as {@code ./portal up}
 * starts it: for tests that need a sibling service (the job runner asks tenant-service who is in a team) and for
 * crash tests that kill a process for real ({@link #kill()} is SIGKILL). The process gets the suite's stack settings
 * (Keycloak, PostgreSQL, cluster, installation id) plus what the caller adds, a free API port and a free management
 * port, and its log in {@code target/service-logs/}.
 */
public final class ServiceProcess extends ChildProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** How long a start may take until healthy: 300 s (a loaded 2-core machine), or PORTAL_TEST_SERVICE_START_SECONDS. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(Long.parseLong(
            System.getenv().getOrDefault("PORTAL_TEST_SERVICE_START_SECONDS", "300")));
    private static int started;

    private final String module;
    private final Path jar;
    private final Map<String, String> environment;
    private final int port;
    private final int managementPort;
    private final Path log;

    private ServiceProcess(String module, Path jar, Map<String, String> environment, int port, int managementPort,
                           Path log) {
        this.module = module;
        this.jar = jar;
        this.environment = environment;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /** Starts {@code module}'s boot jar (e.g. {@code tenant-service}) and waits until its health is UP. */
    public static ServiceProcess start(String module, Map<String, String> extraEnvironment) {
        Path root = repositoryRoot();
        Path jar = bootJar(root, module);
        Map<String, String> environment = new LinkedHashMap<>();
        TestStack.get().values().forEach((key, value) -> environment.put(key, String.valueOf(value)));
        environment.putAll(extraEnvironment);
        int port = freePort();
        int managementPort = freePort();
        environment.put("PORTAL_MANAGEMENT_PORT", Integer.toString(managementPort));
        Path log;
        synchronized (ServiceProcess.class) {
            log = Path.of("target", "service-logs", module + "-" + (++started) + ".log").toAbsolutePath();
        }
        ServiceProcess service = new ServiceProcess(module, jar, environment, port, managementPort, log);
        service.launch();
        return service;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public Path log() {
        return log;
    }

    @Override
    protected void launch() {
        try {
            Files.createDirectories(log.getParent());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new java.util.ArrayList<>(List.of(java, "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-Xmx512m", "--enable-native-access=ALL-UNNAMED"));
            command.addAll(TestStack.get().jvmTrustOptions());
            command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> process.destroyForcibly()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + module, e);
        }
        awaitHealthy(START_TIMEOUT);
    }

    private void awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest health = HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + " while starting:\n"
                        + tail());
            }
            try {
                if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException(module + " was not healthy after " + timeout.toSeconds() + " s:\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("portal")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not inside the AI Portal repository: " + Path.of("").toAbsolutePath());
    }

    private static Path bootJar(Path root, String module) {
        Path target = root.resolve(module).resolve("target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(file -> file.getFileName().toString().matches(module + "-.*\\.jar"))
                    .filter(file -> !file.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no boot jar of " + module + " in " + target
                            + ": build it first (mvn -pl " + module + " -am package -DskipTests, or the whole reactor)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
