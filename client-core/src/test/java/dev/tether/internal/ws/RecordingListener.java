package dev.tether.internal.ws;

import com.google.gson.JsonElement;
import dev.tether.DisconnectReason;
import dev.tether.ServerClose;
import dev.tether.Transport;
import dev.tether.TransportException;
import dev.tether.internal.wire.Connection;
import dev.tether.internal.wire.IncomingEvent;
import dev.tether.internal.wire.Payload;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Records what a connection reports, as short strings, plus the values worth a closer look. */
final class RecordingListener implements Connection.Listener {
  final List<String> calls = new ArrayList<>();
  final List<IncomingEvent> events = new ArrayList<>();
  final List<Payload> acks = new ArrayList<>();
  @Nullable TransportException error;

  @Override public void onOpen() {
    calls.add("open");
  }

  @Override public void onJoined(String namespace, @Nullable String id, @Nullable String pid) {
    calls.add("joined " + namespace);
  }

  @Override public void onJoinRefused(String namespace, String message, @Nullable JsonElement data) {
    calls.add("refused " + namespace);
  }

  @Override public void onKicked(String namespace) {
    calls.add("kicked " + namespace);
  }

  @Override public void onEvent(IncomingEvent event) {
    calls.add("event " + event.name + (event.ackId != null ? " #" + event.ackId : ""));
    events.add(event);
  }

  @Override public void onAck(String namespace, long ackId, Payload args) {
    calls.add("ack #" + ackId);
    acks.add(args);
  }

  @Override public void onUpgrade(Transport transport) {
    calls.add("upgrade");
  }

  @Override public void onUpgradeFailed(TransportException error) {
    calls.add("upgradeFailed");
  }

  @Override public void onOpenFailed(TransportException error) {
    calls.add("openFailed " + error.kind());
    this.error = error;
  }

  @Override public void onServerClose(ServerClose close) {
    calls.add("serverClose " + close.code() + " " + close.reason());
  }

  @Override public void onClosed(DisconnectReason reason, @Nullable TransportException cause) {
    calls.add("closed " + reason + (cause != null ? " " + cause.kind() : ""));
    this.error = cause;
  }

  @Override public void onWritten(List<Object> tags) {
    calls.add("written " + tags);
  }

  @Override public void onWritable() {
    calls.add("writable");
  }

  @Override public void onUnsent(List<Object> tags) {
    calls.add("unsent " + tags);
  }

  /** The calls so far, forgotten. */
  List<String> take() {
    List<String> taken = new ArrayList<>(calls);
    calls.clear();
    return taken;
  }
}
