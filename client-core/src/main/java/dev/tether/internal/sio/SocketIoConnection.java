package dev.tether.internal.sio;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tether.DisconnectReason;
import dev.tether.Transport;
import dev.tether.TransportException;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.engine.EngineOptions;
import dev.tether.internal.engine.EnginePacket;
import dev.tether.internal.engine.EngineSocket;
import dev.tether.internal.engine.Handshake;
import dev.tether.internal.engine.TransportMemory;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.util.Redact;
import dev.tether.internal.wire.Connection;
import dev.tether.internal.wire.IncomingEvent;
import dev.tether.internal.wire.Payload;
import java.util.logging.Level;
import java.util.logging.Logger;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * A Socket.IO connection: one Engine.IO session, and Socket.IO packets in its messages. Maps packets
 * to {@link Connection.Listener} calls; a packet the codec rejects closes the connection with
 * {@link DisconnectReason#PARSE_ERROR}. Confined to the Manager's event loop.
 */
final class SocketIoConnection implements Connection {
  private static final Logger logger = Logger.getLogger(SocketIoConnection.class.getName());

  private final EngineSocket engine;
  private final SocketIoProtocol protocol;
  private final SocketIoProtocol.Decoder decoder;
  private final Listener listener;
  private final String redactedEndpoint;
  /** How this dialect joins namespaces and reads the answers. */
  private final Joins joins;
  private final SerialExecutor loop;
  /** The Engine.IO session id, once open. */
  private @Nullable String engineSid;
  /** Text and binary bytes of the packet being reassembled: the size the event history counts. */
  private long pendingBytes;
  private boolean closed;
  /** Runs once the engine has finished the close we asked for. */
  private @Nullable Runnable whenClosed;

  SocketIoConnection(EngineOptions options, SocketIoProtocol protocol, Joins.Factory joins, SerialExecutor loop,
      TetherRuntime runtime, TransportMemory memory, Listener listener) {
    this.protocol = protocol;
    this.loop = loop;
    this.joins = joins.create(new JoinsHost());
    this.decoder = protocol.newDecoder(SocketIoProtocol.Limits.DEFAULT);
    this.listener = listener;
    this.redactedEndpoint = Redact.url(options.endpoint());
    this.engine = new EngineSocket(options, loop, runtime, memory, new EngineListener());
  }

  @Override public void open() {
    engine.open();
  }

  @Override public boolean isOpen() {
    return !closed && engine.state() == EngineSocket.State.OPEN;
  }

  @Override public @Nullable Transport transport() {
    return isOpen() ? transport(engine.transportName()) : null;
  }

  private static @Nullable Transport transport(@Nullable String engineName) {
    if (engineName == null) return null;
    return engineName.equals("websocket") ? Transport.WEBSOCKET : Transport.POLLING;
  }

  @Override public boolean isWritableNow() {
    return isOpen() && engine.isWritableNow();
  }

  @Override public boolean hasRoom() {
    return engine.hasRoom();
  }

  @Override public void join(String namespace, @Nullable JsonObject auth, @Nullable Recovery recovery)
      throws TransportException {
    joins.join(namespace, auth, recovery);
  }

  @Override public void leave(String namespace) {
    if (!joins.leave(namespace) || !isOpen()) return;
    try {
      // A goodbye: after the emits queued before it have reached the server (see EngineSocket.sendGoodbye).
      for (EnginePacket packet : protocol.encode(SioPacket.disconnect(namespace))) engine.sendGoodbye(packet);
    } catch (RuntimeException e) {
      logger.log(Level.FINE, "could not send DISCONNECT for " + namespace, e);
    }
  }

  @Override public long emit(String namespace, Payload payload, @Nullable Long ackId, Object tag)
      throws TransportException {
    return send(SioPacket.event(namespace, payload.json, ackId, payload.attachments), tag);
  }

  @Override public void ack(String namespace, long ackId, Payload payload) throws TransportException {
    send(SioPacket.ack(namespace, ackId, payload.json, payload.attachments), null);
  }

  private void send(SioPacket packet) throws TransportException {
    send(packet, null);
  }

  /** Returns the bytes it adds to the write queue (what the queue's window counts). */
  private long send(SioPacket packet, @Nullable Object tag) throws TransportException {
    if (!isOpen()) throw new TransportException(TransportException.Kind.CONNECTION_LOST, "not connected to " + redactedEndpoint);
    return engine.sendAll(protocol.encode(packet), tag);
  }

  @Override public void close() {
    closed = true;
    engine.close();
  }

  @Override public void close(Runnable whenClosed) {
    this.whenClosed = whenClosed;
    close();
    if (engine.state() == EngineSocket.State.CLOSED) closeFinished(); // it had nothing left to say
  }

  private void closeFinished() {
    Runnable then = whenClosed;
    whenClosed = null;
    if (then != null) then.run();
  }

  private void onPacket(SioPacket packet, long wireBytes) {
    String namespace = packet.namespace();
    JsonElement data = packet.data();
    switch (packet.type()) {
      case CONNECT:
        joins.onConnect(namespace, data);
        break;
      case CONNECT_ERROR:
        joins.onError(namespace, data, wireBytes);
        break;
      case DISCONNECT:
        joins.onDisconnect(namespace);
        break;
      case EVENT:
      case BINARY_EVENT:
        onEvent(packet, wireBytes);
        break;
      case ACK:
      case BINARY_ACK:
        Long ackId = packet.ackId();
        if (ackId == null) return;
        JsonArray args = data != null && data.isJsonArray() ? data.getAsJsonArray() : new JsonArray();
        listener.onAck(namespace, ackId, new Payload(args, packet.attachments()));
        break;
      default:
    }
  }

  private void onEvent(SioPacket packet, long wireBytes) {
    JsonElement data = packet.data();
    if (data == null || !data.isJsonArray() || data.getAsJsonArray().size() == 0) return;
    JsonArray array = data.getAsJsonArray();
    String name = array.get(0).getAsString();
    JsonArray args = new JsonArray(array.size() - 1);
    for (int i = 1; i < array.size(); i++) args.add(array.get(i));
    Long ackId = packet.ackId();
    String offset = joins.offset(packet.namespace(), args, ackId);
    listener.onEvent(new IncomingEvent(packet.namespace(), name, args, packet.attachments(), ackId, offset, wireBytes));
  }

  private final class JoinsHost implements Joins.Host {
    @Override public void send(SioPacket packet) throws TransportException {
      SocketIoConnection.this.send(packet);
    }

    @Override public Listener listener() {
      return listener;
    }

    @Override public String engineSid() {
      String sid = engineSid;
      if (sid == null) throw new IllegalStateException("not open");
      return sid;
    }

    @Override public void post(Runnable task) {
      loop.execute(() -> {
        if (!closed) task.run();
      });
    }
  }

  private final class EngineListener implements EngineSocket.Listener {
    @Override public void onOpen(Handshake handshake) {
      engineSid = handshake.sid();
      if (!closed) listener.onOpen();
    }

    @Override public void onMessage(EnginePacket message) {
      if (closed) return;
      ByteString binary = message.binary();
      String text = message.text();
      pendingBytes += binary != null ? binary.size() : text != null ? text.length() : 0;
      SioPacket packet;
      try {
        packet = decoder.decode(message);
      } catch (SioDecodingException e) {
        pendingBytes = 0;
        logger.log(Level.WARNING, "{0}: invalid Socket.IO packet from the server, closing the connection: {1}",
            new Object[] {redactedEndpoint, e.getMessage()});
        closed = true;
        engine.close();
        listener.onClosed(DisconnectReason.PARSE_ERROR, new TransportException(TransportException.Kind.PROTOCOL_ERROR,
            "invalid Socket.IO packet: " + e.getMessage()));
        return;
      }
      if (packet == null) return; // waiting for attachments
      long size = pendingBytes;
      pendingBytes = 0;
      onPacket(packet, size);
    }

    @Override public void onPing() {
    }

    @Override public void onUpgrade(String transport) {
      Transport upgraded = transport(transport);
      if (!closed && upgraded != null) listener.onUpgrade(upgraded);
    }

    @Override public void onUpgradeFailed(TransportException error) {
      if (!closed) listener.onUpgradeFailed(error);
    }

    @Override public void onOpenFailed(TransportException error) {
      if (closed) {
        closeFinished();
        return;
      }
      closed = true;
      listener.onOpenFailed(error);
    }

    @Override public void onWritten(java.util.List<Object> tags) {
      listener.onWritten(tags);
    }

    @Override public void onWritable() {
      if (!closed) listener.onWritable();
    }

    @Override public void onUnsent(java.util.List<Object> tags) {
      listener.onUnsent(tags); // also after our own close: the emits' owners must hear of them
    }

    @Override public void onClose(DisconnectReason reason, @Nullable TransportException cause) {
      if (closed) {
        closeFinished();
        return;
      }
      closed = true;
      listener.onClosed(reason, cause);
    }
  }
}
