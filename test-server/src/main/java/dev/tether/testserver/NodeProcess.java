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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One node script of {@code test-server/node} running as a child process: the start-up handshake
 * that {@link SocketIoServer} and {@link WsServer} share. The script listens on a loopback port and
 * prints one line {@code <listeningPrefix><port>} on stdout; it exits by itself when its stdin
 * reaches EOF.
 *
 * <p>Thread safety: instances are thread-safe (the fields are final, the output buffer is guarded by
 * itself); {@link #stop()} is idempotent.
 */
final class NodeProcess {

    static final long START_TIMEOUT_SECONDS = 30;
    static final long STOP_TIMEOUT_SECONDS = 5;
    static final int MAX_OUTPUT_CHARS = 1 << 20;

    private final Process process;
    private final int port;
    private final Thread stdout;
    private final Thread stderr;

    private NodeProcess(Process process, int port, Thread stdout, Thread stderr) {
        this.process = process;
        this.port = port;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code node <script> <args...>} in {@code dir} and waits (up to 30 s) for its listening
     * line. Its stdout and stderr are appended to {@code output} line by line.
     *
     * @param description how error messages name the server, e.g. "The test server"
     * @throws IllegalStateException if it cannot start or does not listen in time (the message has
     *     the command and the output)
     */
    static NodeProcess start(String description, Path dir, String script, List<String> args,
            String listeningPrefix, StringBuilder output) {
        String node = locateNode();
        List<String> command = new ArrayList<>();
        command.add(node);
        command.add(script);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start '" + node + " " + script + "' in " + dir, e);
        }

        CompletableFuture<Integer> listening = new CompletableFuture<>();
        long pid = process.pid();
        Thread stdout = pump(process.getInputStream(), output, listeningPrefix, listening,
                "tether-test-server-stdout-" + pid);
        Thread stderr = pump(process.getErrorStream(), output, null, null,
                "tether-test-server-stderr-" + pid);
        try {
            int port = listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new NodeProcess(process, port, stdout, stderr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy(process);
            throw new IllegalStateException("Interrupted while starting " + script, e);
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof TimeoutException
                    ? "did not print '" + listeningPrefix + "<port>' within "
                            + START_TIMEOUT_SECONDS + " s"
                    : e.getCause().getMessage();
            destroy(process);
            join(stdout, stderr); // collect the last lines (e.g. a node stack trace)
            String exit = process.isAlive() ? "" : " (exit code " + process.exitValue() + ")";
            throw new IllegalStateException(description + " " + why + exit
                    + "\ncommand: " + builder.command() + "\ndirectory: " + dir
                    + "\noutput:\n" + snapshot(output));
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops the process: stdin EOF and SIGTERM, then forcibly after 5 s; returns once it has exited
     * and its output has been read (up to 2 s more). Idempotent.
     */
    void stop() {
        destroy(process);
        join(stdout, stderr);
    }

    /**
     * Sends a POSIX signal ({@code STOP}, {@code CONT}, ...) to the process with {@code kill}.
     *
     * @throws IllegalStateException if {@code kill} fails or does not finish within 5 s
     */
    void signal(String signal) {
        String pid = Long.toString(process.pid());
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, pid).redirectErrorStream(true).start();
            if (!kill.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid + " did not finish");
            }
            if (kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running kill -" + signal + " " + pid, e);
        }
    }

    // ------------------------------------------------------------------------------------------

    /**
     * Parses a JSON object; null or blank is {@code {}}.
     *
     * @throws IllegalArgumentException if it is not valid JSON or not an object
     */
    static JsonObject parseJsonObject(String json, String what) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(json == null || json.isBlank() ? "{}" : json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("Invalid " + what + " JSON: " + json, e);
        }
        if (!parsed.isJsonObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object: " + json);
        }
        return parsed.getAsJsonObject();
    }

    /**
     * The directory of the test server's node scripts: the system property {@value
     * SocketIoServer#DIR_PROPERTY}, else the first {@code test-server/node} containing {@code script}
     * found walking up from {@code user.dir}.
     */
    static Path locateNodeDirectory(String script) {
        String configured = System.getProperty(SocketIoServer.DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Paths.get(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(dir.resolve(script))) {
                throw new IllegalStateException("System property " + SocketIoServer.DIR_PROPERTY
                        + " = " + configured + " does not point to a directory containing " + script);
            }
            return dir;
        }
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("test-server").resolve("node");
            if (Files.isRegularFile(candidate.resolve(script))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Cannot find test-server/node/" + script + " above " + start
                + "; set the system property " + SocketIoServer.DIR_PROPERTY + " to that directory");
    }

    /** {@code node}: the system property {@value SocketIoServer#NODE_PROPERTY}, else the PATH. */
    static String locateNode() {
        String configured = System.getProperty(SocketIoServer.NODE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
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
                + "Node.js 18+ or set the system property " + SocketIoServer.NODE_PROPERTY);
    }

    /** Copies a stream line by line into output on a daemon thread; watches for the port line. */
    private static Thread pump(InputStream in, StringBuilder output, String listeningPrefix,
            CompletableFuture<Integer> listening, String threadName) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    append(output, line);
                    if (listening != null && line.startsWith(listeningPrefix)) {
                        try {
                            listening.complete(Integer.parseInt(
                                    line.substring(listeningPrefix.length()).trim()));
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

    private static void join(Thread... threads) {
        try {
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void append(StringBuilder output, String line) {
        synchronized (output) {
            if (output.length() < MAX_OUTPUT_CHARS) {
                output.append(line).append('\n');
                if (output.length() >= MAX_OUTPUT_CHARS) {
                    output.append("[tether: output truncated]\n");
                }
            }
        }
    }

    static String snapshot(StringBuilder output) {
        synchronized (output) {
            return output.toString();
        }
    }

    private static void destroy(Process process) {
        boolean interrupted = false;
        try {
            process.getOutputStream().close(); // stdin EOF: the scripts exit by themselves
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
