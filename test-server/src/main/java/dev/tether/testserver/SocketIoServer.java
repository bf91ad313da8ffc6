package dev.tether.testserver;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running instance of the <b>real</b> Node.js socket.io server (the version pinned in
 * {@code test-server/node/package.json}), for integration tests, samples and benchmarks.
 *
 * <h2>Usage</h2>
 *
 * <pre>{@code
 * try (SocketIoServer server = SocketIoServer.start("{\"pingInterval\":300}")) {
 *     String url = server.url();          // "http://127.0.0.1:<port>"
 *     // ... connect a client to url ...
 * }
 * }</pre>
 *
 * In JUnit 5 tests prefer {@link RealServer @RealServer}, which starts one server per test class and
 * injects it as a parameter.
 *
 * <h2>Requirements</h2>
 *
 * <ul>
 *   <li>{@code node} (v18+) on the {@code PATH}, or its path in the system property
 *       {@value #NODE_PROPERTY}.
 *   <li>{@code npm ci} run once in {@code test-server/node} (the Maven build does it automatically
 *       when {@code node_modules} is missing).
 *   <li>The node directory is the system property {@value #DIR_PROPERTY} (set by the parent pom's
 *       surefire configuration) or else found by walking up from {@code user.dir} looking for
 *       {@code test-server/node/server.js}.
 * </ul>
 *
 * <h2>What the server does</h2>
 *
 * {@code server.js} listens on {@code 127.0.0.1} on an ephemeral port and prints one line
 * {@code TETHER_SERVER_LISTENING <port>} to stdout. The root namespace, {@code /secure} (auth
 * middleware: {@code auth.token} must be {@code "good"}) and every dynamic namespace except
 * {@code /nope} answer these events:
 *
 * <ul>
 *   <li>{@code echo(...args)}: emits {@code echo(...args)} back (binary included); a trailing ack is
 *       called with the same args.
 *   <li>{@code ack(...args, ack)}: calls the ack with the args.
 *   <li>{@code server-disconnect}: {@code socket.disconnect()} (namespace only);
 *       {@code server-close}: {@code socket.disconnect(true)} (whole Engine.IO connection);
 *       {@code engine-close}: {@code socket.conn.close()}.
 *   <li>{@code emit-count(n, payload)}: emits {@code counted(i, payload)} for {@code i = 0..n-1}.
 *   <li>{@code emit-binary(size)}: emits {@code binary(bytes)} with byte {@code i = i % 256}.
 *   <li>{@code handshake(ack)}: acks {@code {query, auth, headers}} of the handshake.
 *   <li>{@code event-count(name, ack)}: acks how many events called {@code name} the server received
 *       so far, on any namespace (per server process).
 *   <li>On connection, if {@code auth.welcome} is truthy: emits {@code welcome({id})}.
 * </ul>
 *
 * {@code /silent} never answers a namespace CONNECT (its middleware never calls {@code next()}), for
 * connect timeouts.
 *
 * <p>Broken endpoints for error-handling tests live under {@code /errors/<kind>/...}; use them as the
 * client's Engine.IO path, e.g. {@code path = "/errors/status/503/socket.io/"}: {@code
 * status/<code>} (that status, JSON body), {@code garbage} (200, not Engine.IO), {@code empty} (200,
 * empty body), {@code hang} (never answers), {@code reset} (connection reset), {@code
 * handshake-then-garbage} and {@code handshake-then-close} (a fake handshake with sid {@code fake},
 * then polls answer {@code xyz} respectively the close packet {@code 1}). Upgrade (WebSocket)
 * requests to these endpoints get the same answers. See {@code server.js}.
 *
 * <p>Plain HTTP probes with {@code java.net.http.HttpClient} must use {@code
 * HttpClient.Version.HTTP_1_1}: the default sends {@code Upgrade: h2c}, which engine.io rejects on its
 * path with {@code 400 Invalid Upgrade header}.
 *
 * <h2>TLS</h2>
 *
 * {@link #startTls} serves HTTPS and WSS with a certificate chain and key the test provides (e.g. made
 * with okhttp-tls's {@code HeldCertificate}); {@link #url()} is then {@code https://127.0.0.1:<port>}.
 * {@link RealServer @RealServer} always serves plain HTTP: a TLS test makes its certificates first and
 * starts its server itself.
 *
 * <h2>Lifetime</h2>
 *
 * {@link #close()} stops the process (SIGTERM, then forcibly after 5 s). The node process also
 * exits by itself when its stdin reaches EOF, so a JVM that dies without closing never leaves an
 * orphan server behind.
 *
 * <h2>Thread safety</h2>
 *
 * Instances are thread-safe: all accessors may be called from any thread, and {@link #close()} is
 * idempotent and may race with other calls.
 */
public final class SocketIoServer implements AutoCloseable {

    /** System property naming the directory that contains {@code server.js}. */
    public static final String DIR_PROPERTY = "tether.testServerDir";

    /** System property naming the {@code node} executable (default: {@code node} on the PATH). */
    public static final String NODE_PROPERTY = "tether.node";

    /** Prefix of the single line {@code server.js} prints on stdout once listening. */
    public static final String LISTENING_PREFIX = "TETHER_SERVER_LISTENING ";

    private static final long START_TIMEOUT_SECONDS = 30;
    private static final long STOP_TIMEOUT_SECONDS = 5;
    private static final int MAX_OUTPUT_CHARS = 1 << 20;

    private final Process process;
    private final int port;
    private final String scheme;
    private final Path tlsDir; // null without TLS; deleted on close
    private final StringBuilder output; // guarded by itself
    private final AtomicBoolean closed = new AtomicBoolean();

    private SocketIoServer(Process process, int port, StringBuilder output, Path tlsDir) {
        this.process = process;
        this.port = port;
        this.output = output;
        this.tlsDir = tlsDir;
        this.scheme = tlsDir == null ? "http" : "https";
    }

    /** Starts a server with the default socket.io options. Equivalent to {@code start("{}")}. */
    public static SocketIoServer start() {
        return start("{}");
    }

    /**
     * Starts a server and waits (up to 30 s) until it listens.
     *
     * @param serverOptionsJson a JSON object of socket.io {@code Server} options, e.g. {@code
     *     {"pingInterval":300,"transports":["websocket"]}}; {@code "{}"} for the defaults
     * @throws IllegalArgumentException if the JSON is not an object
     * @throws IllegalStateException if node or the server's dependencies are missing, or the server
     *     does not start (the message contains its output)
     */
    public static SocketIoServer start(String serverOptionsJson) {
        return start(serverOptionsJson, 0);
    }

    /**
     * Starts a server on a fixed loopback {@code port} (0 for an ephemeral one), e.g. to restart a
     * server where its clients expect it after {@link #close()}.
     */
    public static SocketIoServer start(String serverOptionsJson, int fixedPort) {
        return start(serverOptionsJson, fixedPort, null, null);
    }

    /**
     * Starts a server that speaks HTTPS and WSS on an ephemeral loopback port, with this certificate
     * chain (the server's certificate first, PEM) and its private key (PKCS#8 PEM). They are written to a
     * private temporary directory, deleted on {@link #close()}. Clients must trust the chain's CA and
     * connect to {@link #url()} ({@code https://127.0.0.1:<port>}), so the certificate should name
     * {@code 127.0.0.1} unless a test wants a hostname mismatch.
     */
    public static SocketIoServer startTls(String serverOptionsJson, String certificateChainPem,
            String privateKeyPem) {
        return start(serverOptionsJson, 0, certificateChainPem, privateKeyPem);
    }

    private static SocketIoServer start(String serverOptionsJson, int fixedPort,
            String certificateChainPem, String privateKeyPem) {
        JsonObject config = new JsonObject();
        config.add("options", parseOptions(serverOptionsJson));
        if (fixedPort != 0) config.addProperty("port", fixedPort);
        Path tlsDir = null;
        if (certificateChainPem != null) {
            try {
                tlsDir = Files.createTempDirectory("tether-test-server-tls"); // owner-only on POSIX
                Path cert = Files.writeString(tlsDir.resolve("chain.pem"), certificateChainPem);
                Path key = Files.writeString(tlsDir.resolve("key.pem"), privateKeyPem);
                JsonObject tls = new JsonObject();
                tls.addProperty("cert", cert.toString());
                tls.addProperty("key", key.toString());
                config.add("tls", tls);
            } catch (IOException e) {
                deleteQuietly(tlsDir);
                throw new IllegalStateException("Could not write the TLS files of the test server", e);
            }
        }

        Path dir = locateNodeDirectory();
        if (!Files.isRegularFile(dir.resolve("node_modules/socket.io/package.json"))) {
            deleteQuietly(tlsDir);
            throw new IllegalStateException(
                    "The test server's dependencies are not installed: run npm ci in " + dir);
        }
        String node;
        try {
            node = locateNode();
        } catch (IllegalStateException e) {
            deleteQuietly(tlsDir);
            throw e;
        }

        ProcessBuilder builder = new ProcessBuilder(node, "server.js", config.toString())
                .directory(dir.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            deleteQuietly(tlsDir);
            throw new IllegalStateException("Could not start '" + node + " server.js' in " + dir, e);
        }

        StringBuilder output = new StringBuilder();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        long pid = process.pid();
        Thread stdout = pump(process.getInputStream(), output, listening,
                "tether-test-server-stdout-" + pid);
        Thread stderr = pump(process.getErrorStream(), output, null,
                "tether-test-server-stderr-" + pid);

        int port;
        try {
            port = listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            deleteQuietly(tlsDir);
            throw new IllegalStateException("Interrupted while starting the test server", e);
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof TimeoutException
                    ? "did not print '" + LISTENING_PREFIX + "<port>' within "
                            + START_TIMEOUT_SECONDS + " s"
                    : e.getCause().getMessage();
            stop(process);
            awaitQuietly(stdout, stderr); // collect the last lines (e.g. a node stack trace)
            String exit = process.isAlive() ? "" : " (exit code " + process.exitValue() + ")";
            deleteQuietly(tlsDir);
            throw new IllegalStateException("The test server " + why + exit
                    + "\ncommand: " + builder.command() + "\ndirectory: " + dir
                    + "\noutput:\n" + snapshot(output));
        }
        return new SocketIoServer(process, port, output, tlsDir);
    }

    /** The port the server listens on (on {@code 127.0.0.1}). */
    public int port() {
        return port;
    }

    /**
     * The server's base URL, {@code http://127.0.0.1:<port>} ({@code https://} for {@link #startTls}),
     * no trailing slash.
     */
    public String url() {
        return scheme + "://127.0.0.1:" + port;
    }

    /** The node process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the node process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Everything the server wrote to stdout and stderr so far (line by line, interleaved in arrival
     * order; capped at about 1 MiB), for diagnostics.
     */
    public String output() {
        return snapshot(output);
    }

    /**
     * Stops the server: SIGTERM, waits up to 5 s, then kills it forcibly. Returns once the process
     * has exited (the port then refuses connections). Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stop(process);
            deleteQuietly(tlsDir);
        }
    }

    @Override
    public String toString() {
        return "SocketIoServer[" + url() + ", pid " + pid() + (isAlive() ? "" : ", exited") + "]";
    }

    // ------------------------------------------------------------------------------------------

    private static JsonElement parseOptions(String json) {
        JsonElement options;
        try {
            options = JsonParser.parseString(json == null || json.isBlank() ? "{}" : json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("Invalid server options JSON: " + json, e);
        }
        if (!options.isJsonObject()) {
            throw new IllegalArgumentException("Server options must be a JSON object: " + json);
        }
        return options;
    }

    private static Path locateNodeDirectory() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Paths.get(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(dir.resolve("server.js"))) {
                throw new IllegalStateException("System property " + DIR_PROPERTY + " = "
                        + configured + " does not point to a directory containing server.js");
            }
            return dir;
        }
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("test-server").resolve("node");
            if (Files.isRegularFile(candidate.resolve("server.js"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Cannot find test-server/node/server.js above " + start
                + "; set the system property " + DIR_PROPERTY + " to that directory");
    }

    private static String locateNode() {
        String configured = System.getProperty(NODE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (entry.isEmpty()) {
                    continue;
                }
                for (String name : windows ? new String[] {"node.exe", "node.cmd"} : new String[] {"node"}) {
                    Path candidate = Paths.get(entry, name);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return candidate.toString();
                    }
                }
            }
        }
        throw new IllegalStateException("'node' was not found on the PATH (" + path + "); install "
                + "Node.js 18+ or set the system property " + NODE_PROPERTY);
    }

    /** Copies a stream line by line into output on a daemon thread; watches for the port line. */
    private static Thread pump(InputStream in, StringBuilder output,
            CompletableFuture<Integer> listening, String threadName) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    append(output, line);
                    if (listening != null && line.startsWith(LISTENING_PREFIX)) {
                        try {
                            listening.complete(Integer.parseInt(
                                    line.substring(LISTENING_PREFIX.length()).trim()));
                        } catch (NumberFormatException e) {
                            listening.completeExceptionally(
                                    new IllegalStateException("printed a malformed line: " + line));
                        }
                    }
                }
            } catch (IOException e) {
                append(output, "[tether: reading the server's output failed: " + e + "]");
            } finally {
                if (listening != null) {
                    listening.completeExceptionally(
                            new IllegalStateException("exited before listening"));
                }
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void awaitQuietly(Thread... threads) {
        try {
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void append(StringBuilder output, String line) {
        synchronized (output) {
            if (output.length() < MAX_OUTPUT_CHARS) {
                output.append(line).append('\n');
                if (output.length() >= MAX_OUTPUT_CHARS) {
                    output.append("[tether: output truncated]\n");
                }
            }
        }
    }

    private static String snapshot(StringBuilder output) {
        synchronized (output) {
            return output.toString();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory: the OS cleans it up eventually
        }
    }

    private static void stop(Process process) {
        boolean interrupted = false;
        try {
            process.getOutputStream().close(); // stdin EOF: server.js exits by itself
        } catch (IOException ignored) {
            // already closed
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            process.destroyForcibly();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
