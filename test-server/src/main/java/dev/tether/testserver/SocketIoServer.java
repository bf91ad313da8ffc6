package dev.tether.testserver;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 *   <li>{@code bench-burst(n)}: emits {@code tick({i})} for {@code i = 0..n-1} as fast as it can, in
 *       chunks that yield to the event loop (the benchmarks' burst row).
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
 * <h2>socket.io 2.x (Engine.IO 3)</h2>
 *
 * {@link #startV2} runs the pinned socket.io {@value #V2_VERSION} from {@code test-server/node-v2}
 * ({@code npm ci} there too; the Maven build does it when its {@code node_modules} is missing), with
 * the same handlers where socket.io 2.x has the API for them; {@code @RealServer(version =
 * SOCKET_IO_2)} does the same per test class. A 4.x server that also accepts Engine.IO 3 clients is
 * {@code start("{\"allowEIO3\":true}")}.
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

    /** The socket.io version {@link #startV2} runs (pinned in {@code test-server/node-v2}). */
    public static final String V2_VERSION = "2.5.0";

    private static final String V2_DIRECTORY = "node-v2";

    /** Prefix of the single line {@code server.js} prints on stdout once listening. */
    public static final String LISTENING_PREFIX = "TETHER_SERVER_LISTENING ";

    private final NodeProcess process;
    private final String scheme;
    private final Path tlsDir; // null without TLS; deleted on close
    private final StringBuilder output; // guarded by itself
    private final AtomicBoolean closed = new AtomicBoolean();

    private SocketIoServer(NodeProcess process, StringBuilder output, Path tlsDir) {
        this.process = process;
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

    /**
     * Starts the legacy server: socket.io {@value #V2_VERSION} (Engine.IO protocol 3, Socket.IO
     * protocol 4) from {@code test-server/node-v2}, with the scenario handlers of {@code server.js}
     * that socket.io 2.x can express (see {@code node-v2/server.js}: credentials travel in the
     * namespace query, not in {@code auth}). Waits (up to 30 s) until it listens.
     *
     * @param serverOptionsJson socket.io 2.x {@code Server} options as a JSON object, e.g. {@code
     *     {"pingInterval":300,"pingTimeout":200}}
     * @throws IllegalArgumentException if the JSON is not an object
     * @throws IllegalStateException if node or the server's dependencies are missing, or the server
     *     does not start (the message contains its output)
     */
    public static SocketIoServer startV2(String serverOptionsJson) {
        return startV2(serverOptionsJson, 0);
    }

    /** {@link #startV2(String)} on a fixed loopback {@code port} (0 for an ephemeral one). */
    public static SocketIoServer startV2(String serverOptionsJson, int fixedPort) {
        return start(V2_DIRECTORY, serverOptionsJson, fixedPort, null, null);
    }

    private static SocketIoServer start(String serverOptionsJson, int fixedPort,
            String certificateChainPem, String privateKeyPem) {
        return start(null, serverOptionsJson, fixedPort, certificateChainPem, privateKeyPem);
    }

    /** @param sibling null for {@code test-server/node}, else a directory next to it */
    private static SocketIoServer start(String sibling, String serverOptionsJson, int fixedPort,
            String certificateChainPem, String privateKeyPem) {
        JsonObject config = new JsonObject();
        config.add("options", NodeProcess.parseJsonObject(serverOptionsJson, "Server options"));
        if (fixedPort != 0) config.addProperty("port", fixedPort);

        Path dir = NodeProcess.locateNodeDirectory("server.js");
        if (sibling != null) {
            dir = dir.resolveSibling(sibling);
            if (!Files.isRegularFile(dir.resolve("server.js"))) {
                throw new IllegalStateException("Cannot find server.js in " + dir);
            }
        }
        if (!Files.isRegularFile(dir.resolve("node_modules/socket.io/package.json"))) {
            throw new IllegalStateException(
                    "The test server's dependencies are not installed: run npm ci in " + dir);
        }
        Path tlsDir = null;
        try {
            if (certificateChainPem != null) {
                tlsDir = Files.createTempDirectory("tether-test-server-tls"); // owner-only on POSIX
                Path cert = Files.writeString(tlsDir.resolve("chain.pem"), certificateChainPem);
                Path key = Files.writeString(tlsDir.resolve("key.pem"), privateKeyPem);
                JsonObject tls = new JsonObject();
                tls.addProperty("cert", cert.toString());
                tls.addProperty("key", key.toString());
                config.add("tls", tls);
            }
            StringBuilder output = new StringBuilder();
            NodeProcess process = NodeProcess.start("The test server", dir, "server.js",
                    List.of(config.toString()), LISTENING_PREFIX, output);
            return new SocketIoServer(process, output, tlsDir);
        } catch (IOException e) {
            deleteQuietly(tlsDir);
            throw new IllegalStateException("Could not write the TLS files of the test server", e);
        } catch (RuntimeException e) {
            deleteQuietly(tlsDir);
            throw e;
        }
    }

    /** The port the server listens on (on {@code 127.0.0.1}). */
    public int port() {
        return process.port();
    }

    /**
     * The server's base URL, {@code http://127.0.0.1:<port>} ({@code https://} for {@link #startTls}),
     * no trailing slash.
     */
    public String url() {
        return scheme + "://127.0.0.1:" + port();
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
        return NodeProcess.snapshot(output);
    }

    /**
     * Stops the server: SIGTERM, waits up to 5 s, then kills it forcibly. Returns once the process
     * has exited (the port then refuses connections). Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            process.stop();
            deleteQuietly(tlsDir);
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

    @Override
    public String toString() {
        return "SocketIoServer[" + url() + ", pid " + pid() + (isAlive() ? "" : ", exited") + "]";
    }
}
