package dev.tether.testserver;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A running instance of a <b>real</b> Node.js {@code ws} WebSocket server (the version pinned in
 * {@code test-server/node/package.json}), for the integration tests of plain-WebSocket sockets.
 * {@code test-server/node/ws-server.js} documents every behaviour in detail.
 *
 * <h2>Usage</h2>
 *
 * <pre>{@code
 * try (WsServer server = WsServer.start("{\"nameKey\":\"event\"}")) {
 *     String raw = server.url("/raw");          // "ws://127.0.0.1:<port>/raw"
 *     String envelopes = server.url("/envelope");
 *     // ... connect a client ...
 *     server.restart();                         // same port, same options; clients may reconnect
 * }
 * }</pre>
 *
 * In JUnit 5 tests prefer {@link RealWsServer @RealWsServer}, which starts one server per test
 * class and injects it as a parameter.
 *
 * <h2>Paths</h2>
 *
 * A query string is allowed on each (and recorded: {@code ?tag=<test name>} tells a test's
 * connections apart in {@link #connections(String)}).
 *
 * <ul>
 *   <li>{@code /raw}: echoes text frames as text and binary frames as binary, except the text
 *       commands {@code close:<code>:<reason>}, {@code close} (no code), {@code say:<text>}, {@code
 *       push:<text>} (to every {@code /raw} client), {@code big:<n>} (n {@code 'x'} characters),
 *       {@code bigbin:<n>} (n bytes, byte i = i % 256), {@code burst:<n>} (n frames {@code "burst
 *       <i>"}), {@code ping:<payload>} and {@code terminate} (TCP close, no close frame). Sends the
 *       {@code greet} option's text on connection, if set.
 *   <li>{@code /envelope}: JSON envelopes {@code {"name":..., "data":..., "id":...}} (keys set by
 *       the options {@code nameKey}, {@code dataKey}, {@code idKey}). {@code join} is answered with
 *       {@code {"name":"hello","data":{"a":"123","b":"234"}}}; {@code echo} with {@code echo} and the
 *       same data; {@code ack} with {@code ack}, the same data and the same id (a correlation-id
 *       ack), {@code lateack} the same after {@code data.ms} ms; {@code noack} never; {@code emit}
 *       sends {@code {name: data.name, data: data.data}}; {@code broadcast} goes to every envelope
 *       client; {@code big} (data n), {@code burst} (data n); {@code kick} closes with 4001 and the
 *       reason {@code data} or {@code "kicked"}; {@code close} with {@code data.code} and {@code
 *       data.reason}; other names are only recorded. A frame that is not an envelope (not JSON, no
 *       string name) is answered with the text frame {@code unparsable}, and the connection stays.
 *       With {@code greet} set, each connection first gets {@code {"name":"welcome","data":greet}}.
 *   <li>{@code /handshake}: first sends a text frame, JSON {@code {path, query, protocol,
 *       headers}} of the upgrade request, then behaves like {@code /raw}.
 *   <li>{@code /silent}: never sends anything.
 *   <li>{@code /reject/<status>}: refuses the upgrade with that HTTP status. {@code /hang}: never
 *       answers the upgrade. Other paths: 404.
 * </ul>
 *
 * <h2>Options</h2>
 *
 * A JSON object, all optional (an unknown key fails the start): {@code greet} (string), {@code
 * nameKey}, {@code dataKey}, {@code idKey} (strings; default {@code name}, {@code data}, {@code
 * id}), {@code autoPong} (default true; false: the server never answers pings, while everything else
 * works), {@code pingEveryMs} (the server pings each client), {@code tickEveryMs} (each client gets
 * {@code "tick <n>"}, or a {@code tick} envelope), {@code maxPayload} (bytes; larger client frames
 * close with 1009), {@code deflate} (offer permessage-deflate), {@code protocols} (accepted
 * subprotocols, in order of preference).
 *
 * <h2>Lifetime</h2>
 *
 * {@link #stop()} ends the process (the port then refuses connections) and {@link #restart()} starts
 * it again on the same port with the same options; {@link #freeze()} stops it with SIGSTOP (the
 * kernel still accepts connections and data, nothing is answered: no handshake, no pong, no close)
 * until {@link #thaw()}. {@link #close()} stops it for good. The node process also exits by itself
 * when its stdin reaches EOF, so a JVM that dies without closing leaves no orphan behind.
 *
 * <p>Requirements are those of {@link SocketIoServer}: {@code node} 18+ and {@code npm ci} in
 * {@code test-server/node} (the Maven build runs it when the packages are missing).
 *
 * <h2>Thread safety</h2>
 *
 * Instances are thread-safe. The lifecycle methods ({@link #stop()}, {@link #restart()}, {@link
 * #freeze()}, {@link #thaw()}, {@link #close()}) are serialized on the instance; the accessors and
 * the HTTP control methods ({@link #connections()}, {@link #push(String)}, ...) may be called from
 * any thread at any time. A server shared by a test class (see {@link RealWsServer}) is shared
 * state: a test that stops, restarts or freezes it should start its own instead.
 */
public final class WsServer implements AutoCloseable {

    /** Prefix of the single line {@code ws-server.js} prints on stdout once listening. */
    public static final String LISTENING_PREFIX = "TETHER_WS_SERVER_LISTENING ";

    /** The script, in {@code test-server/node}. */
    static final String SCRIPT = "ws-server.js";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Path dir;
    private final String optionsJson;
    private final int port;
    private final StringBuilder output; // guarded by itself; every run's output

    // guarded by this
    private NodeProcess process; // null while stopped
    private long lastPid;
    private boolean frozen;
    private boolean closed;

    private WsServer(Path dir, String optionsJson, NodeProcess process, StringBuilder output) {
        this.dir = dir;
        this.output = output;
        this.optionsJson = optionsJson;
        this.process = process;
        this.port = process.port();
        this.lastPid = process.pid();
    }

    /** Starts a server with the default options. Equivalent to {@code start("{}")}. */
    public static WsServer start() {
        return start("{}");
    }

    /**
     * Starts a server on an ephemeral loopback port and waits (up to 30 s) until it listens.
     *
     * @param optionsJson a JSON object of options (see the class comment), {@code "{}"} for none
     * @throws IllegalArgumentException if the JSON is not an object
     * @throws IllegalStateException if node or the pinned {@code ws} package is missing, or the server
     *     does not start, e.g. for an unknown option (the message contains its output)
     */
    public static WsServer start(String optionsJson) {
        return start(optionsJson, 0);
    }

    /**
     * Starts a server on a fixed loopback {@code port} (0 for an ephemeral one).
     *
     * @see #start(String)
     */
    public static WsServer start(String optionsJson, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        String options = NodeProcess.parseJsonObject(optionsJson, "ws server options").toString();
        Path dir = NodeProcess.locateNodeDirectory(SCRIPT);
        checkPinnedWsInstalled(dir);
        StringBuilder output = new StringBuilder();
        return new WsServer(dir, options, launch(dir, options, port, output), output);
    }

    /** The port the server listens on (on {@code 127.0.0.1}); the same after {@link #restart()}. */
    public int port() {
        return port;
    }

    /** The base WebSocket URL, {@code ws://127.0.0.1:<port>} (no trailing slash). */
    public String url() {
        return "ws://127.0.0.1:" + port;
    }

    /**
     * The WebSocket URL of a path, e.g. {@code url("/raw?tag=x")} is {@code
     * ws://127.0.0.1:<port>/raw?tag=x}.
     *
     * @throws IllegalArgumentException if path does not start with {@code /}
     */
    public String url(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        return url() + path;
    }

    /** The same server over HTTP, {@code http://127.0.0.1:<port>} (OkHttp also takes this form). */
    public String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The options the server runs with, as a JSON object. */
    public String options() {
        return optionsJson;
    }

    /** The id of the current node process (the last one's while stopped). */
    public synchronized long pid() {
        return lastPid;
    }

    /** Whether a node process is running (frozen counts as running). */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Whether the process is stopped by {@link #freeze()}. */
    public synchronized boolean isFrozen() {
        return frozen;
    }

    /**
     * Everything the server wrote to stdout and stderr so far, over all its runs (one line per
     * connection opened and closed; capped at about 1 MiB), for diagnostics.
     */
    public String output() {
        return NodeProcess.snapshot(output);
    }

    /**
     * Stops the node process (thawing it first if frozen); returns once it has exited and the port
     * refuses connections. Open connections end without a close frame. Does nothing if stopped.
     *
     * @throws IllegalStateException if the server was closed
     */
    public synchronized void stop() {
        ensureOpen();
        stopProcess();
    }

    /**
     * Stops the server if it runs, then starts it again on the same port with the same options, and
     * waits until it listens. Everything recorded for {@link #connections()} starts anew.
     *
     * @throws IllegalStateException if the server was closed, or does not start again (e.g. another
     *     process took the port meanwhile)
     */
    public synchronized void restart() {
        ensureOpen();
        stopProcess();
        NodeProcess.append(output, "[tether: restarting on port " + port + "]");
        process = launch(dir, optionsJson, port, output);
        lastPid = process.pid();
    }

    /**
     * Freezes the server with SIGSTOP: connections stay open and the kernel keeps accepting
     * connections and data, but nothing is answered (no handshake, no frame, no pong) until {@link
     * #thaw()}. Does nothing if already frozen.
     *
     * @throws IllegalStateException if the server is not running
     */
    public synchronized void freeze() {
        ensureRunning();
        if (!frozen) {
            process.signal("STOP");
            frozen = true;
        }
    }

    /** Resumes a frozen server with SIGCONT. Does nothing if it is not frozen. */
    public synchronized void thaw() {
        if (frozen && process != null) {
            process.signal("CONT");
        }
        frozen = false;
    }

    /** Stops the server for good. Idempotent; after it only the accessors work. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            stopProcess();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Control over HTTP (the server must be running and not frozen)
    // ------------------------------------------------------------------------------------------

    /** Every connection the server has recorded, oldest first (after the last {@link #reset()}). */
    public List<Connection> connections() {
        JsonObject stats = parse(request("GET", "/__stats", null));
        List<Connection> connections = new ArrayList<>();
        for (JsonElement element : stats.getAsJsonArray("connections")) {
            connections.add(Connection.from(element.getAsJsonObject()));
        }
        return Collections.unmodifiableList(connections);
    }

    /**
     * The connections whose query string has {@code tag=<tag>} (e.g. a client of {@code
     * url("/raw?tag=" + tag)}), oldest first.
     */
    public List<Connection> connections(String tag) {
        List<Connection> tagged = new ArrayList<>();
        for (Connection connection : connections()) {
            if (tag.equals(connection.queryParameter("tag"))) {
                tagged.add(connection);
            }
        }
        return Collections.unmodifiableList(tagged);
    }

    /** Forgets the closed connections and what the open ones sent so far. */
    public void reset() {
        request("POST", "/__reset", null);
    }

    /** Sends {@code text} as one text frame to every open connection; returns how many got it. */
    public int push(String text) {
        return count(request("POST", "/__push", text), "sent");
    }

    /**
     * Sends {@code text} as one text frame to every open connection of {@code path} (e.g. {@code
     * "/envelope"}); returns how many got it.
     */
    public int push(String path, String text) {
        return count(request("POST", "/__push?path=" + encode(path), text), "sent");
    }

    /**
     * Closes every open connection with this close frame (e.g. 1001 going away); returns how many.
     *
     * @throws IllegalStateException if ws refuses the code or reason (e.g. 1005, a reason over 123
     *     bytes)
     */
    public int closeAll(int code, String reason) {
        return count(request("POST", "/__close?code=" + code + "&reason=" + encode(reason), null),
                "closed");
    }

    /** Drops every open connection's TCP connection without a close frame; returns how many. */
    public int dropAll() {
        return count(request("POST", "/__drop", null), "dropped");
    }

    @Override
    public synchronized String toString() {
        return "WsServer[" + url() + ", pid " + lastPid
                + (closed ? ", closed" : process == null ? ", stopped" : frozen ? ", frozen" : "")
                + (options().equals("{}") ? "" : ", " + options()) + "]";
    }

    // ------------------------------------------------------------------------------------------

    /**
     * One WebSocket connection as the server recorded it.
     *
     * @param id the server's number for it, counting from 1 per process
     * @param path the request path, e.g. {@code /raw}
     * @param query the query string without {@code ?} (empty if none)
     * @param protocol the subprotocol the server selected (empty if none)
     * @param headers the upgrade request's headers, names in lower case
     * @param open whether it is still open
     * @param received the client's first 1,000 data frames in order (text kept up to 4,096 bytes)
     * @param textFrames text frames received
     * @param binaryFrames binary frames received
     * @param bytes payload bytes received
     * @param pings pings received from the client
     * @param pongs pongs received from the client
     * @param closeCode once closed, the code of the client's close frame as {@code ws} reports it
     *     (1005: no code, 1006: no close frame at all), else null; when the server closed first,
     *     the code the client answered with
     * @param closeReason once closed, the reason of the client's close frame, else null
     * @param closedByServer whether the server closed first (a command, {@link #closeAll}, {@link
     *     #dropAll}, ...)
     * @param serverCloseCode the code of the close frame the server sent first, null if none (also
     *     for a dropped connection or a plain {@code close} command)
     * @param serverCloseReason the reason of the close frame the server sent first, else null
     */
    public record Connection(int id, String path, String query, String protocol,
            Map<String, String> headers, boolean open, List<Frame> received, int textFrames,
            int binaryFrames, long bytes, int pings, int pongs, Integer closeCode,
            String closeReason, boolean closedByServer, Integer serverCloseCode,
            String serverCloseReason) {

        /** The text of every text frame received, in order. */
        public List<String> texts() {
            List<String> texts = new ArrayList<>();
            for (Frame frame : received) {
                if (!frame.binary()) {
                    texts.add(frame.text());
                }
            }
            return texts;
        }

        /** The (URL-decoded) value of a query parameter, or null. */
        public String queryParameter(String name) {
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                String key = equals < 0 ? pair : pair.substring(0, equals);
                if (decode(key).equals(name)) {
                    return equals < 0 ? "" : decode(pair.substring(equals + 1));
                }
            }
            return null;
        }

        static Connection from(JsonObject json) {
            List<Frame> received = new ArrayList<>();
            for (JsonElement element : json.getAsJsonArray("received")) {
                JsonObject frame = element.getAsJsonObject();
                received.add(new Frame(frame.get("binary").getAsBoolean(), frame.get("size").getAsInt(),
                        frame.has("text") ? frame.get("text").getAsString() : null));
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> header : json.getAsJsonObject("headers").entrySet()) {
                headers.put(header.getKey(), header.getValue().getAsString());
            }

            return new Connection(json.get("id").getAsInt(), json.get("path").getAsString(),
                    json.get("query").getAsString(), json.get("protocol").getAsString(),
                    Collections.unmodifiableMap(headers), json.get("open").getAsBoolean(),
                    Collections.unmodifiableList(received), json.get("textFrames").getAsInt(),
                    json.get("binaryFrames").getAsInt(), json.get("bytes").getAsLong(),
                    json.get("pings").getAsInt(), json.get("pongs").getAsInt(),
                    optionalInt(json, "closeCode"), optionalString(json, "closeReason"),
                    json.get("closedByServer").getAsBoolean(), optionalInt(json, "serverCloseCode"),
                    optionalString(json, "serverCloseReason"));
        }

        private static Integer optionalInt(JsonObject json, String key) {
            JsonElement value = json.get(key);
            return value == null || value.isJsonNull() ? null : value.getAsInt();
        }

        private static String optionalString(JsonObject json, String key) {
            JsonElement value = json.get(key);
            return value == null || value.isJsonNull() ? null : value.getAsString();
        }
    }

    /**
     * One data frame a client sent.
     *
     * @param binary whether it was a binary frame
     * @param size its payload size in bytes
     * @param text a text frame's text (its first 4,096 bytes), null for a binary frame
     */
    public record Frame(boolean binary, int size, String text) {}

    // ------------------------------------------------------------------------------------------

    private static NodeProcess launch(Path dir, String optionsJson, int port, StringBuilder output) {
        JsonObject config = new JsonObject();
        config.add("options", JsonParser.parseString(optionsJson));
        if (port != 0) {
            config.addProperty("port", port);
        }
        return NodeProcess.start("The ws test server", dir, SCRIPT, List.of(config.toString()),
                LISTENING_PREFIX, output);
    }

    /** Fails with a clear message when {@code ws} is missing or not the version package.json pins. */
    private static void checkPinnedWsInstalled(Path dir) {
        Path wsPackage = dir.resolve("node_modules/ws/package.json");
        if (!Files.isRegularFile(wsPackage)) {
            throw new IllegalStateException(
                    "The ws test server's dependencies are not installed: run npm ci in " + dir);
        }
        String pinned = stringAt(dir.resolve("package.json"), "dependencies", "ws");
        String installed = stringAt(wsPackage, "version");
        if (!pinned.equals(installed)) {
            throw new IllegalStateException("ws " + installed + " is installed in " + dir
                    + " but package.json pins " + pinned + ": run npm ci there");
        }
    }

    /** The string at a path of keys in a JSON file. */
    private static String stringAt(Path file, String... keys) {
        try {
            JsonElement element = JsonParser.parseString(Files.readString(file));
            for (String key : keys) {
                element = element.getAsJsonObject().get(key);
            }
            return element.getAsString();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "Cannot read " + String.join(".", keys) + " from " + file + ": " + e, e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The server was closed: " + this);
        }
    }

    private void ensureRunning() {
        ensureOpen();
        if (process == null) {
            throw new IllegalStateException("The server is stopped: " + this);
        }
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        if (frozen) {
            process.signal("CONT"); // a stopped process would take SIGTERM only once continued
            frozen = false;
        }
        process.stop();
        process = null;
    }

    private String request(String method, String pathAndQuery, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(httpUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + pathAndQuery + " failed on " + this, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + method + " " + pathAndQuery, e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(method + " " + pathAndQuery + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static JsonObject parse(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    private static int count(String json, String key) {
        return parse(json).get(key).getAsInt();
    }

    private static String encode(String value) {
        return URLEncoder.encode(Objects.requireNonNull(value), StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
