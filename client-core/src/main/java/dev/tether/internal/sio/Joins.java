package dev.tether.internal.sio;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.tether.Socket;
import dev.tether.TransportException;
import dev.tether.internal.wire.Connection;
import dev.tether.internal.wire.IncomingEvent;
import java.io.UnsupportedEncodingException;
import java.net.URLEncoder;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How one Socket.IO dialect joins namespaces and reads the server's answers to joins: what differs
 * between Socket.IO revision 5 (socket.io 3.x/4.x) and revision 4 (socket.io 2.x) above the packet
 * codec. One instance per connection, made by the dialect's {@link Factory}; confined to the
 * connection's event loop, like the connection itself.
 */
abstract class Joins {
  /** What a join strategy needs from its connection. */
  interface Host {
    /** Encodes and queues {@code packet}. */
    void send(SioPacket packet) throws TransportException;

    Connection.Listener listener();

    /** The Engine.IO session id of the open connection (never shown as such: see {@link Joins.V4}). */
    String engineSid();

    /** Runs {@code task} on the event loop, on a later turn (never from inside the caller). */
    void post(Runnable task);
  }

  /** Makes the strategy of one connection. Stateless and thread-safe. */
  interface Factory {
    Joins create(Host host);
  }

  static final Factory FOR_V5 = V5::new;
  static final Factory FOR_V4 = V4::new;

  final Host host;

  Joins(Host host) {
    this.host = host;
  }

  /** Sends (or, where the server joins by itself, awaits) the join; the listener hears the answer. */
  abstract void join(String namespace, @Nullable JsonObject auth, Connection.@Nullable Recovery recovery)
      throws TransportException;

  /** The namespace is being left; returns whether to tell the server with a DISCONNECT. */
  abstract boolean leave(String namespace);

  /** A CONNECT from the server. */
  abstract void onConnect(String namespace, @Nullable JsonElement data);

  /** A type 4 packet from the server (CONNECT_ERROR in revision 5, ERROR in revision 4). */
  abstract void onError(String namespace, @Nullable JsonElement data, long wireBytes);

  /** A DISCONNECT from the server: the socket was kicked. */
  void onDisconnect(String namespace) {
    host.listener().onKicked(namespace);
  }

  /** The recovery offset an event carries, or null when the namespace's session is not recoverable. */
  @Nullable String offset(String namespace, JsonArray args, @Nullable Long ackId) {
    return null;
  }

  static boolean isString(@Nullable JsonElement element) {
    return element != null && element.isJsonPrimitive() && ((JsonPrimitive) element).isString();
  }

  /**
   * Socket.IO v5 (docs/protocol.md §13–§16): every namespace, {@code /} included, is joined with a
   * CONNECT carrying the auth object (and the recovery pid and offset); the reply carries the socket
   * id and, with recovery on, a pid.
   */
  static final class V5 extends Joins {
    /** Namespaces whose session the server can recover: their events carry an offset. */
    private final Set<String> recoverable = new HashSet<>();

    V5(Host host) {
      super(host);
    }

    @Override void join(String namespace, @Nullable JsonObject auth, Connection.@Nullable Recovery recovery)
        throws TransportException {
      JsonObject payload = auth;
      if (recovery != null) {
        // Events replayed by the server come before its reply: they carry offsets already.
        recoverable.add(namespace);
        // Ask the server to resume the session: pid and offset, merged with auth (auth keys win).
        payload = new JsonObject();
        payload.addProperty("pid", recovery.pid);
        if (recovery.offset != null) payload.addProperty("offset", recovery.offset);
        if (auth != null) {
          for (Map.Entry<String, JsonElement> entry : auth.entrySet()) payload.add(entry.getKey(), entry.getValue());
        }
      }
      host.send(SioPacket.connect(namespace, payload));
    }

    @Override boolean leave(String namespace) {
      recoverable.remove(namespace);
      return true;
    }

    @Override void onConnect(String namespace, @Nullable JsonElement data) {
      JsonElement sid = data != null && data.isJsonObject() ? data.getAsJsonObject().get("sid") : null;
      if (!isString(sid)) {
        host.listener().onJoinRefused(namespace, "the server's CONNECT reply has no sid: this is a socket.io 2.x "
            + "server (Socket.IO v4); connect with dialect(Dialect.SOCKET_IO_2)", data);
        return;
      }
      JsonElement pid = data.getAsJsonObject().get("pid");
      String sessionPid = isString(pid) ? pid.getAsString() : null;
      if (sessionPid != null) {
        recoverable.add(namespace);
      } else {
        recoverable.remove(namespace);
      }
      host.listener().onJoined(namespace, sid.getAsString(), sessionPid);
    }

    @Override void onError(String namespace, @Nullable JsonElement data, long wireBytes) {
      String message = "connect error";
      JsonElement detail = null;
      if (data != null && data.isJsonObject()) {
        JsonObject object = data.getAsJsonObject();
        JsonElement text = object.get("message");
        if (text != null && text.isJsonPrimitive()) message = text.getAsString();
        detail = object.get("data");
      } else if (data != null && data.isJsonPrimitive()) {
        message = data.getAsString(); // the legacy string form
      }
      host.listener().onJoinRefused(namespace, message, detail);
    }

    @Override void onDisconnect(String namespace) {
      recoverable.remove(namespace);
      super.onDisconnect(namespace);
    }

    @Override @Nullable String offset(String namespace, JsonArray args, @Nullable Long ackId) {
      if (ackId != null || args.size() == 0 || !recoverable.contains(namespace)) return null;
      // With recovery on, the server appends the event's offset as a last string argument (left in
      // the arguments, as the reference client does); the latest one lets a reconnect resume here.
      JsonElement last = args.get(args.size() - 1);
      return isString(last) ? last.getAsString() : null;
    }
  }

  /**
   * Socket.IO v4 (socket.io 2.x; socket-io-protocol branch v4): the server connects every session to
   * {@code /} by itself, with an unprompted {@code 0} right after the open packet, so {@code /} is never
   * joined explicitly (a 2.x server would answer nothing, a 4.x server with {@code allowEIO3} would close
   * the session); a custom namespace is joined with {@code 0/nsp?query,} where the query is the
   * socket's auth (string values), and answered with a bare {@code 0/nsp,}. Socket ids are derived as
   * the reference client derives them: the Engine.IO session id for {@code /}, {@code "/nsp#" + sid}
   * otherwise. There is no session recovery.
   *
   * <p>Type 4 is ERROR: while a namespace is joining it refuses the join; after the join it is an error
   * the server reports without disconnecting (per-socket middleware), delivered to the socket as a
   * {@link Socket#SERVER_ERROR} event with the server's payload. An ERROR for {@code /} concerns every
   * namespace of the connection (a 2.x server never answers the joins of a session whose {@code /} it
   * refused).
   *
   * <p>Leaving {@code /} sends nothing: a 2.x server cannot connect {@code /} twice in one session, so
   * the server keeps its {@code /} socket until the connection closes, and joining {@code /} again on the
   * same connection works.
   */
  static final class V4 extends Joins {
    private final Set<String> joining = new HashSet<>();
    private final Set<String> joined = new HashSet<>();
    /** The server's CONNECT for {@code /} arrived. */
    private boolean rootConnected;
    /** {@code /} was asked for and not yet answered. */
    private boolean rootWaiting;

    V4(Host host) {
      super(host);
    }

    @Override void join(final String namespace, @Nullable JsonObject auth, Connection.@Nullable Recovery recovery)
        throws TransportException {
      if (SioPacket.ROOT.equals(namespace)) {
        if (auth != null && auth.size() > 0) {
          refuseLater(namespace, "auth cannot be sent to the default namespace \"/\" of a socket.io 2.x server "
              + "(Socket.IO v4 carries it as a namespace query, and \"/\" is joined without one): "
              + "use SocketOptions.query for the connection's query instead");
          return;
        }
        rootWaiting = true;
        joined.remove(namespace);
        if (rootConnected) host.post(this::rootJoined);
        return;
      }
      String query;
      try {
        query = query(auth);
      } catch (IllegalArgumentException e) {
        refuseLater(namespace, e.getMessage());
        return;
      }
      joined.remove(namespace);
      joining.add(namespace);
      host.send(SioPacket.connect(query.isEmpty() ? namespace : namespace + "?" + query, null));
    }

    private void refuseLater(final String namespace, final String message) {
      host.post(() -> host.listener().onJoinRefused(namespace, message, null));
    }

    private void rootJoined() {
      if (!rootWaiting || !rootConnected) return;
      rootWaiting = false;
      joined.add(SioPacket.ROOT);
      host.listener().onJoined(SioPacket.ROOT, host.engineSid(), null);
    }

    @Override boolean leave(String namespace) {
      joined.remove(namespace);
      joining.remove(namespace);
      if (SioPacket.ROOT.equals(namespace)) {
        rootWaiting = false;
        return false;
      }
      return true;
    }

    @Override void onConnect(String namespace, @Nullable JsonElement data) {
      if (SioPacket.ROOT.equals(namespace)) {
        rootConnected = true;
        rootJoined();
        return;
      }
      if (!joining.remove(namespace)) return; // a reply we did not wait for (2.x answers a repeated CONNECT again)
      joined.add(namespace);
      host.listener().onJoined(namespace, namespace + "#" + host.engineSid(), null);
    }

    @Override void onError(String namespace, @Nullable JsonElement data, long wireBytes) {
      String message = message(data);
      if (SioPacket.ROOT.equals(namespace)) {
        if (rootWaiting) {
          rootWaiting = false;
          host.listener().onJoinRefused(SioPacket.ROOT, message, data);
        }
        for (String waiting : new HashSet<>(joining)) {
          joining.remove(waiting);
          host.listener().onJoinRefused(waiting, message + " (the server refused \"/\", which every namespace of "
              + "a socket.io 2.x connection depends on)", data);
        }
        for (String connected : new HashSet<>(joined)) serverError(connected, data, wireBytes);
        return;
      }
      if (joining.remove(namespace)) {
        host.listener().onJoinRefused(namespace, message, data);
      } else if (joined.contains(namespace)) {
        serverError(namespace, data, wireBytes);
      }
    }

    private void serverError(String namespace, @Nullable JsonElement data, long wireBytes) {
      JsonArray args = new JsonArray();
      args.add(data == null ? com.google.gson.JsonNull.INSTANCE : data);
      host.listener().onEvent(new IncomingEvent(namespace, Socket.SERVER_ERROR, args,
          Collections.<okio.ByteString>emptyList(), null, null, wireBytes));
    }

    @Override void onDisconnect(String namespace) {
      joined.remove(namespace);
      joining.remove(namespace);
      if (SioPacket.ROOT.equals(namespace)) {
        rootConnected = false;
        rootWaiting = false;
      }
      super.onDisconnect(namespace);
    }

    /** The ERROR payload as a message: a string as is, an object's {@code message}, else a generic text. */
    static String message(@Nullable JsonElement data) {
      if (isString(data)) return data.getAsString();
      if (data != null && data.isJsonObject() && isString(data.getAsJsonObject().get("message"))) {
        return data.getAsJsonObject().get("message").getAsString();
      }
      return "the server refused the namespace";
    }

    /**
     * The auth object as a URL-encoded namespace query ({@code token=a%2Cb&user=x}), in the object's
     * order; empty for none.
     *
     * @throws IllegalArgumentException when a value is not a string
     */
    static String query(@Nullable JsonObject auth) {
      if (auth == null) return "";
      StringBuilder query = new StringBuilder();
      for (Map.Entry<String, JsonElement> entry : auth.entrySet()) {
        if (!isString(entry.getValue())) {
          throw new IllegalArgumentException("a socket.io 2.x server takes auth as a namespace query: every auth value "
              + "must be a string, but \"" + entry.getKey() + "\" is " + SocketIoV5.kind(entry.getValue()));
        }
        if (query.length() > 0) query.append('&');
        query.append(encode(entry.getKey())).append('=').append(encode(entry.getValue().getAsString()));
      }
      return query.toString();
    }

    /** As JavaScript's {@code encodeURIComponent}, near enough: what a server's query parser decodes. */
    private static String encode(String s) {
      try {
        return URLEncoder.encode(s, "UTF-8").replace("+", "%20");
      } catch (UnsupportedEncodingException e) {
        throw new AssertionError(e);
      }
    }
  }
}
