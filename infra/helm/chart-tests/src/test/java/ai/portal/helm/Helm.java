package ai.portal.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs Helm v3.22, built from the Go module proxy by {@code infra/local-cluster/cluster.sh helm} into the cache
 * outside the repository (built once, the first time a test asks), on the chart {@code infra/helm/ai-portal}.
 */
final class Helm {

    /** What a Helm command printed, and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {

        Result orFail() {
            if (exitCode != 0) {
                throw new AssertionError("helm exited " + exitCode + "\n" + stderr + "\n" + stdout);
            }
            return this;
        }
    }

    private static volatile Path binary;

    private final Path kubeconfig;

    private Helm(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
    }

    /** Helm for commands that need no cluster (lint, template). */
    static Helm offline() {
        return new Helm(null);
    }

    /** Helm acting on the cluster of this kubeconfig. */
    static Helm on(Path kubeconfig) {
        return new Helm(kubeconfig);
    }

    static Path chart() {
        return Path.of(setting("ai-portal.chart").orElseGet(() -> above("infra/helm/ai-portal").toString()))
                .toAbsolutePath().normalize();
    }

    /** A values file of the chart's {@code ci/} folder. */
    static Path values(String name) {
        return chart().resolve("ci").resolve(name);
    }

    Result run(String... args) {
        return run(List.of(args));
    }

    Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(args);
        return exec(command, kubeconfig == null ? Map.of() : Map.of("KUBECONFIG", kubeconfig.toString()), 600);
    }

    /** {@code helm template} of the chart with these values files and {@code --set} pairs, as YAML text. */
    String template(String release, String namespace, List<Path> valuesFiles, String... sets) {
        List<String> args = new ArrayList<>(List.of("template", release, chart().toString(), "--namespace", namespace));
        valuesFiles.forEach(f -> args.addAll(List.of("--values", f.toString())));
        for (String set : sets) {
            args.addAll(List.of("--set", set));
        }
        return run(args).orFail().stdout();
    }

    static synchronized Path binary() {
        if (binary == null) {
            Path script = Path.of(setting("local-cluster.script")
                    .orElseGet(() -> above("infra/local-cluster/cluster.sh").toString()));
            Result built = exec(List.of("bash", script.toString(), "helm"), Map.of(), 3600);
            if (built.exitCode() != 0) {
                throw new IllegalStateException("cluster.sh helm failed:\n" + built.stderr());
            }
            String[] lines = built.stdout().strip().split("\n");
            binary = Path.of(lines[lines.length - 1].strip());
        }
        return binary;
    }

    private static Result exec(List<String> command, Map<String, String> env, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("helm-out", ".txt");
            Path err = Files.createTempFile("helm-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            // no user's ~/.config/helm or ~/.cache/helm: repositories and plugins of this machine play no part
            Path home = home();
            pb.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
            pb.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
            pb.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
            Process process = pb.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " ran longer than " + timeoutSeconds + " s");
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path helmHome;

    private static synchronized Path home() throws IOException {
        if (helmHome == null) {
            helmHome = Path.of(System.getProperty("user.dir"), "target", "helm-home").toAbsolutePath();
            Files.createDirectories(helmHome);
        }
        return helmHome;
    }

    private static Optional<String> setting(String key) {
        return Optional.ofNullable(System.getProperty(key)).filter(s -> !s.isBlank() && !s.startsWith("${"));
    }

    private static Path above(String relative) {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + System.getProperty("user.dir"));
    }
}
