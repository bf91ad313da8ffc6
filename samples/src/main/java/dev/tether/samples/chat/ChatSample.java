package dev.tether.samples.chat;

import dev.tether.samples.Shutdown;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;

import dev.tether.AckCancelledException;
import dev.tether.AckTimeoutException;
import dev.tether.ConnectError;
import dev.tether.ConnectErrorException;
import dev.tether.DisconnectReason;
import dev.tether.Event;
import dev.tether.Socket;
import dev.tether.SocketDisconnectedException;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.TetherException;
import dev.tether.samples.Cli;
import dev.tether.samples.DemoServer;
import dev.tether.samples.chat.ChatProtocol.ImageInfo;
import dev.tether.samples.chat.ChatProtocol.ImageMeta;
import dev.tether.samples.chat.ChatProtocol.JoinReply;
import dev.tether.samples.chat.ChatProtocol.Message;
import dev.tether.samples.chat.ChatProtocol.Notice;
import dev.tether.samples.chat.ChatProtocol.RoomInfo;
import dev.tether.samples.chat.ChatProtocol.SendReply;
import dev.tether.samples.chat.ChatProtocol.Text;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A terminal client for the room chat demo server ({@code samples/demo-server/chat-server.js}):
 * type a line to send it to your room, or a command ({@code /join}, {@code /rooms}, {@code /who},
 * {@code /image}, {@code /quit}).
 *
 * <p>What it shows: two namespaces ({@code /room}, {@code /chat}) on one connection, auth and a
 * refused connect, acks (with timeouts and failures), binary payloads, and surviving a server
 * restart: Tether reconnects by itself, and lines typed while the server is away wait in its send
 * buffer and go out once it is back.
 *
 * <pre>
 * ./run-sample.sh chat --name ann --room general
 * printf 'hello\n/quit\n' | ./run-sample.sh chat --name ann --room general
 * </pre>
 *
 * {@code --help} lists the options and commands ({@link Options}).
 */
public final class ChatSample {

  /** How long a message may wait for its ack, including time spent in the send buffer. */
  private static final long SEND_TIMEOUT_SECONDS = 30;
  /** Joins, member lists, the first connect. */
  private static final long REQUEST_TIMEOUT_SECONDS = 10;
  private static final long CONNECT_TIMEOUT_SECONDS = 20;
  /** The demo server's limit for one image. */
  private static final int MAX_IMAGE_BYTES = 4 * 1024 * 1024;
  /** How long leaving waits for the acks of messages still on their way. */
  private static final long LEAVE_TIMEOUT_SECONDS = 5;

  public static void main(String[] args) {
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Cli.exit(run(args, stdin, System.out));
  }

  /**
   * Runs the chat with these arguments, reading the user's lines from {@code in} and printing to
   * {@code out} (usage errors too), until {@code /quit} or the end of the input. Returns the exit
   * code: 0 after a normal session, 1 when the chat could not be joined, 2 for bad arguments.
   */
  static int run(String[] args, BufferedReader in, PrintStream out) {
    return Cli.execute(new Options(in, out), args, out, out);
  }

  private static int runChat(Options options, BufferedReader in, PrintStream out)
      throws IOException, InterruptedException {
    // Our own demo server, unless --url names one. It is stopped in any case (finally).
    DemoServer server = options.url == null ? DemoServer.start(DemoServer.CHAT) : null;
    Tether tether = Tether.create();
    try {
      String url = server != null ? server.url() : options.url.replaceAll("/+$", "");
      if (server != null) {
        out.println("demo chat server listening at " + url);
      }
      return new ChatSample(tether, url, options, out).session(in);
    } finally {
      Shutdown.close(tether); // disconnects both namespaces and stops Tether's threads
      if (server != null) {
        server.close();
      }
    }
  }

  private final PrintStream out;
  private final String url;
  private final String name;
  private final Path saveImages; // null: do not save
  private final String givenRoom; // --room, or null to pick one
  private final Socket rooms; // namespace /room: the room list
  private final Socket chat; // namespace /chat: the rooms themselves
  private final Set<String> roomNames = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<List<RoomInfo>> firstRoomList = new CompletableFuture<>();
  private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
  private final Unconfirmed unconfirmed = new Unconfirmed();
  private volatile String room; // the room we are in, null before the first join
  private volatile ConnectError lastConnectError;
  private boolean connectedBefore; // only touched by chat's listeners, which run one at a time

  private ChatSample(Tether tether, String url, Options options, PrintStream out) {
    this.out = out;
    this.url = url;
    this.name = options.name;
    this.saveImages = options.saveImages;
    this.givenRoom = options.room;

    // Both sockets share one connection (one Manager), so they must agree on its options.
    SocketOptions connection = SocketOptions.builder()
        .reconnectionDelay(options.reconnectDelayMillis, 5 * options.reconnectDelayMillis, MILLISECONDS)
        .build();
    rooms = tether.socket(url + "/room", connection);
    chat = tether.socket(url + "/chat", connection.newBuilder().auth(Map.of("name", name)).build());
    listen();
  }

  /**
   * Registers every listener before connecting, so no event is missed. Listeners run on Tether's
   * callback thread; each prints whole lines with one {@link #say} call so they never interleave.
   */
  private void listen() {
    rooms.on("rooms", event -> {
      List<RoomInfo> list = List.of(event.arg(0, RoomInfo[].class));
      roomNames.clear();
      list.forEach(info -> roomNames.add(info.name()));
      firstRoomList.complete(list);
    });
    rooms.on("room-created", RoomInfo.class, info -> {
      roomNames.add(info.name());
      say("* room created: " + info.name());
    });
    rooms.on("room-removed", String.class, removed -> {
      roomNames.remove(removed);
      say("* room removed: " + removed);
    });

    chat.on("message", Message.class, m -> say(tag(m.room()) + " " + m.user() + ": " + m.text()));
    chat.on("image", this::onImage);
    chat.on("joined", Notice.class, n -> say(tag(n.room()) + " * " + n.user() + " joined"));
    chat.on("left", Notice.class, n -> say(tag(n.room()) + " * " + n.user() + " left"));

    chat.onConnect(() -> {
      if (!connectedBefore) {
        connectedBefore = true;
        say("connected to " + url + " as " + name);
        firstConnect.complete(null);
      } else if (chat.recovered()) {
        say("reconnected (state recovered)"); // same session: the server kept our room
      } else {
        say("reconnected without state recovery (a new session)"
            + (room != null ? "; joining " + tag(room) + " again" : ""));
      }
    });
    chat.onConnectError(error -> {
      lastConnectError = error;
      if (error.isServerRefusal()) { // e.g. no name: Tether does not retry a refusal
        if (!firstConnect.completeExceptionally(new ConnectErrorException(error))) {
          say("! the server refused the chat: " + describe(error));
        }
      }
    });
    chat.onDisconnect(reason -> {
      if (reason == DisconnectReason.IO_CLIENT_DISCONNECT) {
        return; // we are leaving
      }
      if (!reason.isRecoverable()) {
        say("! the server disconnected us (" + reason + "); /quit to leave");
        return;
      }
      say("connection lost (" + reason + "); reconnecting...");
    });
    // After every reconnection, before the lines typed during the outage go out: join the room again
    // (harmless when the server recovered the session and kept us in it).
    chat.onConnectBeforeFlush(() -> {
      String current = room;
      if (current != null) rejoinWhenBack(current);
    });
    chat.manager().onReconnectAttempt(attempt -> say("reconnecting (attempt " + attempt + ")..."));
  }

  /** Connects, joins a room, then sends what the user types until /quit or the end of input. */
  private int session(BufferedReader in) throws IOException, InterruptedException {
    rooms.connect();
    chat.connect(); // joins /chat on the connection /room opened: the Manager multiplexes them
    try {
      firstConnect.get(CONNECT_TIMEOUT_SECONDS, SECONDS);
    } catch (ExecutionException refused) {
      ConnectError error = ((ConnectErrorException) refused.getCause()).connectError();
      say("! could not join the chat as \"" + name + "\": " + describe(error));
      return 1;
    } catch (TimeoutException e) {
      ConnectError error = lastConnectError;
      say("! could not connect to " + url + " within " + CONNECT_TIMEOUT_SECONDS + " s"
          + (error != null ? ": " + describe(error) : ""));
      return 1;
    }

    String first = givenRoom != null ? givenRoom : pickRoom(in);
    if (first == null) {
      say("no room picked; bye");
      return 0;
    }
    if (!join(first)) {
      return 1;
    }
    say("type a message, or /join <room>, /rooms, /who, /image <path>, /quit");

    String line;
    while ((line = in.readLine()) != null && !line.trim().equals("/quit")) {
      handle(line);
    }
    leave();
    return 0;
  }

  /**
   * Shows the server's room list and lets the user pick one by number or by name (a new name
   * creates the room). Returns null at the end of the input.
   */
  private String pickRoom(BufferedReader in) throws IOException, InterruptedException {
    List<RoomInfo> list;
    try {
      list = firstRoomList.get(REQUEST_TIMEOUT_SECONDS, SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      list = List.of(); // no list (yet): the user can still name a room
    }
    StringBuilder menu = new StringBuilder("rooms:");
    for (int i = 0; i < list.size(); i++) {
      RoomInfo info = list.get(i);
      menu.append(String.format("\n  %d) %s (%d here)", i + 1, info.name(), info.members()));
    }
    say(menu + "\npick a room by number or name (a new name creates it):");
    String line;
    while ((line = in.readLine()) != null) {
      String pick = line.trim();
      if (pick.matches("\\d{1,9}")) {
        int number = Integer.parseInt(pick);
        if (number >= 1 && number <= list.size()) {
          return list.get(number - 1).name();
        }
      } else if (pick.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,31}")) { // the server's rule for names
        return pick;
      }
      say("! \"" + pick + "\" is neither a number from the list nor a room name"
          + " (1-32 letters, digits, '-' or '_'); pick again:");
    }
    return null;
  }

  private void handle(String line) throws InterruptedException {
    if (line.isBlank()) {
      return;
    }
    if (!line.startsWith("/")) {
      send(line);
      return;
    }
    String[] words = line.trim().split("\\s+", 2);
    String argument = words.length > 1 ? words[1].trim() : "";
    switch (words[0]) {
      case "/join" -> {
        if (argument.isEmpty()) {
          say("! usage: /join <room>");
        } else {
          join(argument);
        }
      }
      case "/rooms" -> say("rooms: " + String.join(", ", new TreeSet<>(roomNames))
          + " (you are in " + room + ")");
      case "/who" -> who();
      case "/image" -> {
        if (argument.isEmpty()) {
          say("! usage: /image <path>");
        } else {
          sendImage(argument);
        }
      }
      default -> say("! unknown command " + words[0]
          + "; commands: /join <room>, /rooms, /who, /image <path>, /quit");
    }
  }

  // ---- sending -------------------------------------------------------------------------------

  /**
   * Sends a message and prints it once the server confirms it, with the server's id. Does not
   * wait: while the connection is down, Tether keeps the message in its send buffer and sends it
   * after the reconnect; the ack timeout covers that wait too (a message that times out in the
   * buffer is dropped from it, never sent late).
   */
  private void send(String text) {
    String inRoom = room;
    if (!chat.isConnected()) {
      say("(not connected: \"" + text + "\" will be sent once the connection is back)");
    }
    unconfirmed.add();
    chat.emitWithAck("message", new Text(text))
        .timeout(SEND_TIMEOUT_SECONDS, SECONDS)
        .then(reply -> {
          try {
            SendReply sent = reply.arg(0, SendReply.class);
            say(sent.ok()
                ? tag(inRoom) + " " + name + ": " + text + " (#" + sent.id() + ")"
                : "! not sent: \"" + text + "\": " + sent.error());
          } finally {
            unconfirmed.done();
          }
        }, failure -> {
          try {
            say("! \"" + text + "\" not confirmed: " + describe(failure));
          } finally {
            unconfirmed.done();
          }
        });
  }

  /** Sends a file as binary: a {@code byte[]} argument travels as a Socket.IO attachment. */
  private void sendImage(String file) {
    byte[] bytes;
    Path path;
    try {
      path = Path.of(file);
      if (Files.size(path) > MAX_IMAGE_BYTES) { // the server would drop the connection, not answer
        say("! " + file + " is too large: the chat takes images up to " + MAX_IMAGE_BYTES + " bytes");
        return;
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException | InvalidPathException e) {
      say("! cannot read " + file + ": " + e);
      return;
    }
    ImageMeta meta = new ImageMeta(path.getFileName().toString(), contentType(path));
    String inRoom = room;
    unconfirmed.add();
    chat.emitWithAck("image", meta, bytes)
        .timeout(SEND_TIMEOUT_SECONDS, SECONDS)
        .then(reply -> {
          try {
            SendReply sent = reply.arg(0, SendReply.class);
            say(sent.ok()
                ? tag(inRoom) + " " + name + " sent image " + meta.name() + " (" + sent.size()
                    + " bytes, #" + sent.id() + ")"
                : "! image " + meta.name() + " not sent: " + sent.error());
          } finally {
            unconfirmed.done();
          }
        }, failure -> {
          try {
            say("! image " + meta.name() + " not confirmed: " + describe(failure));
          } finally {
            unconfirmed.done();
          }
        });
  }

  // ---- rooms ---------------------------------------------------------------------------------

  /** Joins a room and waits for the answer (the main thread may block; listeners must not). */
  private boolean join(String target) throws InterruptedException {
    JoinReply reply;
    try {
      reply = chat.emitWithAck("join", target).await(REQUEST_TIMEOUT_SECONDS, SECONDS)
          .arg(0, JoinReply.class);
    } catch (TetherException e) {
      say("! could not join " + target + ": " + describe(e));
      return false;
    }
    if (!reply.ok()) {
      say("! could not join " + target + ": " + reply.error());
      return false;
    }
    room = reply.room();
    // One say() for the whole block, so no incoming line lands in the middle of it.
    StringBuilder text = new StringBuilder(tag(room) + " joined as " + name + "; here: "
        + String.join(", ", reply.members()));
    for (Message m : reply.history()) {
      text.append('\n').append(tag(m.room())).append(' ').append(m.user()).append(": ")
          .append(m.text()).append(" (earlier)");
    }
    say(text.toString());
    return true;
  }

  /**
   * Makes sure we are in our room again once the connection is back. After a server restart there
   * is no state recovery and the new server knows nothing of us, so we must join again by ourselves.
   *
   * <p>Why now, when the connection drops, and not in {@code onConnect}: Tether sends its buffer the
   * moment the namespace reconnects, before any connect listener runs. A join sent from {@code
   * onConnect} would reach the server after the messages typed during the outage, which it would
   * refuse ("join a room first"). Emitted now, the join waits in the buffer ahead of them. With state
   * recovery the server still has us in the room and the join changes nothing.
   */
  private void rejoinWhenBack(String target) {
    chat.emitWithAck("join", target).then(reply -> {
      JoinReply joined = reply.arg(0, JoinReply.class);
      if (!joined.ok()) {
        say("! could not join " + target + " again: " + joined.error());
      } else if (!chat.recovered()) {
        say(tag(target) + " joined again by ourselves; here: " + String.join(", ", joined.members()));
      }
    }, failure -> {
      // Lost again before the answer: the next reconnection joins again.
    });
  }

  private void who() throws InterruptedException {
    try {
      String[] members = chat.emitWithAck("members").await(REQUEST_TIMEOUT_SECONDS, SECONDS)
          .arg(0, String[].class);
      say(tag(room) + " here: " + String.join(", ", members));
    } catch (TetherException e) {
      say("! /who failed: " + describe(e));
    }
  }

  // ---- receiving -----------------------------------------------------------------------------

  private void onImage(Event event) {
    ImageInfo info = event.arg(0, ImageInfo.class);
    byte[] data = event.arg(1, byte[].class); // the binary attachment, as sent
    String line = tag(info.room()) + " " + info.user() + " sent image " + info.name() + " ("
        + data.length + " bytes)";
    say(saveImages == null ? line : line + save(info, data));
  }

  private String save(ImageInfo info, byte[] data) {
    // The id keeps names unique; the sender's file name is reduced to harmless characters.
    Path file = saveImages.resolve(info.id() + "-" + info.name().replaceAll("[^A-Za-z0-9._-]", "_"));
    try {
      Files.createDirectories(saveImages);
      Files.write(file, data);
      return ", saved as " + file;
    } catch (IOException e) {
      return ", not saved: " + e;
    }
  }

  // ---- leaving -------------------------------------------------------------------------------

  private void leave() throws InterruptedException {
    if (!unconfirmed.awaitNone(LEAVE_TIMEOUT_SECONDS, SECONDS)) {
      say("! leaving with " + unconfirmed.count() + " message(s) not confirmed by the server");
    }
    // Listeners run one at a time, in order, on Tether's callback thread: once our own disconnect
    // has been delivered there, every notice that arrived before it has been printed too.
    CountDownLatch gone = new CountDownLatch(1);
    chat.onDisconnect(reason -> gone.countDown());
    boolean connected = chat.isConnected(); // else there is no disconnect to deliver
    rooms.disconnect();
    chat.disconnect(); // the server tells the room we left
    if (connected) {
      gone.await(LEAVE_TIMEOUT_SECONDS, SECONDS);
    }
    say("bye");
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Prints one line (or block) atomically: {@code PrintStream.println} holds its lock throughout. */
  private void say(String text) {
    out.println(text);
  }

  private static String tag(String room) {
    return "[" + room + "]";
  }

  private static String describe(ConnectError error) {
    return error.message() + (error.dataJson() != null ? " " + error.dataJson() : "");
  }

  private static String describe(Throwable failure) {
    if (failure instanceof AckTimeoutException) {
      return "no answer from the server in time";
    }
    if (failure instanceof SocketDisconnectedException) {
      return "the connection dropped before the server answered (it may have arrived)";
    }
    if (failure instanceof AckCancelledException) {
      return "cancelled";
    }
    return String.valueOf(failure.getMessage());
  }

  private static String contentType(Path path) {
    try {
      String type = Files.probeContentType(path);
      return type != null ? type : "application/octet-stream";
    } catch (IOException e) {
      return "application/octet-stream";
    }
  }

  /** Counts sent messages still waiting for their ack, so that leaving can wait for them. */
  private static final class Unconfirmed {
    private int count; // guarded by this

    synchronized void add() {
      count++;
    }

    synchronized void done() {
      count--;
      notifyAll();
    }

    synchronized int count() {
      return count;
    }

    synchronized boolean awaitNone(long timeout, TimeUnit unit) throws InterruptedException {
      long deadline = System.nanoTime() + unit.toNanos(timeout);
      while (count > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  /** The command line, filled by picocli, and the chat run with it. */
  @Command(name = "chat", abbreviateSynopsis = true, sortOptions = false,
      description = "A terminal client for the room chat demo server.",
      footer = {"", "Then type a message, or one of:",
          "  /join <room>   /rooms   /who   /image <path>   /quit (or end the input)"})
  static final class Options implements Callable<Integer> {
    @Option(names = "--url", paramLabel = "<url>",
        description = "the chat server (default: start the demo chat server)")
    private String url;

    @Option(names = "--name", paramLabel = "<name>",
        description = "your name, 1-32 characters (default: user-<4 random digits>)")
    private String name = String.format("user-%04d", ThreadLocalRandom.current().nextInt(10_000));

    @Option(names = "--room", paramLabel = "<room>",
        description = "the room to join (default: pick one from the server's list)")
    private String room;

    @Option(names = "--save-images", paramLabel = "<dir>",
        description = "save the images others send into this directory")
    private Path saveImages;

    @Option(names = "--reconnect-delay", paramLabel = "<ms>", defaultValue = "1000",
        converter = Cli.PositiveLong.class,
        description = "first delay between reconnection attempts (default ${DEFAULT-VALUE}; at most 5x)")
    private long reconnectDelayMillis;

    @Mixin
    private Cli.Help help;

    private final BufferedReader in;
    private final PrintStream out;

    private Options(BufferedReader in, PrintStream out) {
      this.in = in;
      this.out = out;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
      return runChat(this, in, out);
    }
  }
}
