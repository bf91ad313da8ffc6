package dev.tether.internal.wire;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tether.DisconnectReason;
import dev.tether.ServerClose;
import dev.tether.Transport;
import dev.tether.TransportException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One connection to a server, carrying the namespaces that joined it. Confined to the Manager's
 * event loop: every method is called there, and every {@link Listener} callback runs there.
 *
 * <p>Lifecycle: {@link #open()}, then {@link Listener#onOpen()} or {@link Listener#onOpenFailed};
 * after an open, exactly one {@link Listener#onClosed} unless {@link #close()} was called first.
 */
public interface Connection {
  /** Starts opening. */
  void open();

  /** True between {@link Listener#onOpen()} and the close. */
  boolean isOpen();

  /** What carries the connection now; null while not open. */
  @Nullable Transport transport();

  /**
   * True when the transport has no write in flight: what a volatile emit asks. (A packet handed over
   * during a transport switch waits for the switch, and still counts as writable.)
   */
  boolean isWritableNow();

  /**
   * True while the connection's own queue of data not yet handed to its transport is within its
   * window. While false, a caller keeps further emits in its own bounded buffer (where its overflow
   * policy applies) until {@link Listener#onWritable()}: so one bound covers everything unsent.
   * Acknowledgements and joins may be written regardless; they are small and answer the server.
   */
  boolean hasRoom();

  /**
   * Asks to join {@code namespace}; {@link Listener#onJoined} or {@link Listener#onJoinRefused}
   * answers. Protocols without a join step answer at once.
   *
   * @param auth the socket's auth payload, or null
   * @param recovery the session to resume, or null for a new one
   */
  void join(String namespace, @Nullable JsonObject auth, @Nullable Recovery recovery) throws TransportException;

  /** Leaves {@code namespace} (tells the server where the protocol can). Best effort. */
  void leave(String namespace);

  /**
   * Writes an event, or queues it behind the writes already queued.
   *
   * @param payload the name at index 0, then the arguments
   * @param ackId the acknowledgement id, or null for none
   * @param tag identifies the emit in {@link Listener#onWritten} and {@link Listener#onUnsent}
   * @return the bytes it adds to the connection's queue, approximately
   * @throws TransportException when the connection cannot take it (not open, larger than the server accepts)
   */
  long emit(String namespace, Payload payload, @Nullable Long ackId, Object tag) throws TransportException;

  /** Answers the server's acknowledgement request {@code ackId}. */
  void ack(String namespace, long ackId, Payload payload) throws TransportException;

  /** Closes gracefully (writes already queued go first). No listener callback follows. Idempotent. */
  void close();

  /**
   * As {@link #close()}, then runs {@code whenClosed} on the event loop once the goodbye is written or
   * given up (within the protocol's close timeout), so the caller can release what the connection used.
   */
  void close(Runnable whenClosed);

  /** A session a server may resume: its private id and the offset of the last event received. Immutable. */
  final class Recovery {
    public final String pid;
    public final @Nullable String offset;

    public Recovery(String pid, @Nullable String offset) {
      this.pid = pid;
      this.offset = offset;
    }
  }

  /** What a connection reports, on the event loop. */
  interface Listener {
    void onOpen();

    /**
     * A namespace joined.
     *
     * @param id the socket id the server gave, or null when the protocol has none
     * @param pid the private session id to resume with later, or null when the session cannot be recovered
     */
    void onJoined(String namespace, @Nullable String id, @Nullable String pid);

    /** The server refused the namespace (or its reply was unusable): {@code message} and the server's data. */
    void onJoinRefused(String namespace, String message, @Nullable JsonElement data);

    /** The server removed the socket from {@code namespace}. */
    void onKicked(String namespace);

    void onEvent(IncomingEvent event);

    /** The acknowledgement of one of our emits; {@code args} holds the arguments only. */
    void onAck(String namespace, long ackId, Payload args);

    /** The connection moved to another transport. */
    void onUpgrade(Transport transport);

    /** An upgrade attempt failed; the connection carries on. */
    void onUpgradeFailed(TransportException error);

    /** The connection did not open. */
    void onOpenFailed(TransportException error);

    /**
     * The server ended the connection with a close frame (protocols that have them: a plain
     * WebSocket); {@link #onClosed} follows. The reason given there says whether to reconnect.
     */
    void onServerClose(ServerClose close);

    /** The open connection closed (the server, the network, a protocol violation). */
    void onClosed(DisconnectReason reason, @Nullable TransportException cause);

    /** The emits of these tags left the connection's queue for the transport, oldest first. */
    void onWritten(List<Object> tags);

    /** {@link #hasRoom()} said no; now there is room again. */
    void onWritable();

    /**
     * The connection ended before the emits of these tags were handed to its transport, oldest first:
     * the server has not seen them. Reported before {@link #onClosed} (or {@link #onOpenFailed}), and
     * also after a {@link #close()} whose goodbye gave up waiting for them.
     */
    void onUnsent(List<Object> tags);
  }
}
