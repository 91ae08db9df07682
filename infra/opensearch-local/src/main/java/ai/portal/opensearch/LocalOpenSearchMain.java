package ai.portal.opensearch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link LocalOpenSearch} until SIGTERM/SIGINT, for {@code ./portal up}.
 *
 * <pre>
 * java -cp target/classes:$(cat target/classpath.txt) ai.portal.opensearch.LocalOpenSearchMain \
 *      --data .portal/opensearch --http-port 9200 [--transport-port 9300]
 * </pre>
 *
 * Options may also be given as system properties {@code -Dopensearch.data=}, {@code -Dopensearch.http-port=},
 * {@code -Dopensearch.transport-port=}; arguments win. Prints {@code OpenSearch ready on http://127.0.0.1:<port>} once
 * the cluster is usable. Exit status: 0 after a clean stop, 1 when the node could not start, 2 for bad arguments.
 */
public final class LocalOpenSearchMain {

    static final String READY_PREFIX = "OpenSearch ready on ";

    private LocalOpenSearchMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // before the first Log4j logger is created
        LocalOpenSearch.useBundledLogConfigUnlessConfigured();
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        out.println("Starting OpenSearch: data " + options.data().toAbsolutePath().normalize()
                + ", http port " + options.httpPort() + ", transport port "
                + (options.transportPort() == 0 ? "any free" : options.transportPort()));

        LocalOpenSearch node;
        try {
            node = LocalOpenSearch.start(options.data(), options.httpPort(), options.transportPort());
        } catch (RuntimeException e) {
            System.err.println("OpenSearch failed to start: " + e.getMessage());
            e.printStackTrace();
            org.apache.logging.log4j.LogManager.shutdown();
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } finally {
                out.println("OpenSearch stopped");
                out.flush();
                org.apache.logging.log4j.LogManager.shutdown();
                stopped.countDown();
            }
        }, "opensearch-local-shutdown"));

        out.println(READY_PREFIX + node.httpUri());
        out.flush();
        // the node's threads keep running; park main until the shutdown hook has stopped the node
        stopped.await();
    }

    record Options(Path data, int httpPort, int transportPort) {

        static final String USAGE = "usage: LocalOpenSearchMain [--data <dir>] [--http-port <port>] "
                + "[--transport-port <port>]   (defaults: --data .portal/opensearch --http-port 9200, "
                + "transport port any free)";

        static Options parse(String[] args) {
            String data = System.getProperty("opensearch.data", ".portal/opensearch");
            String httpPort = System.getProperty("opensearch.http-port", "9200");
            String transportPort = System.getProperty("opensearch.transport-port", "0");
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg;
                String value;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException("missing value for " + arg);
                }
                switch (name) {
                    case "--data" -> data = value;
                    case "--http-port" -> httpPort = value;
                    case "--transport-port" -> transportPort = value;
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            return new Options(Path.of(data), port("--http-port", httpPort), port("--transport-port", transportPort));
        }

        private static int port(String option, String value) {
            try {
                int port = Integer.parseInt(value.trim());
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be a port number 0-65535, got '" + value + "'");
            }
        }
    }
}
