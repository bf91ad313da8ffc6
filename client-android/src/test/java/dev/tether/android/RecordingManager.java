package dev.tether.android;

import dev.tether.ConnectionOptions;
import dev.tether.Listener;
import dev.tether.Manager;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Subscription;
import dev.tether.Transport;
import dev.tether.TransportException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A Manager that records which of its controls were called, in order. Thread-safe. */
final class RecordingManager implements Manager {
  private final List<String> calls = new ArrayList<>();

  /** The calls so far, e.g. {@code [suspendReconnection, restartConnection]}. */
  synchronized List<String> calls() {
    return new ArrayList<>(calls);
  }

  /** The calls so far, forgetting them. */
  synchronized List<String> takeCalls() {
    List<String> taken = new ArrayList<>(calls);
    calls.clear();
    return taken;
  }

  private synchronized void record(String call) {
    calls.add(call);
  }

  @Override public ConnectionOptions options() {
    return ConnectionOptions.DEFAULT;
  }

  @Override public void reconnectNow() {
    record("reconnectNow");
  }

  @Override public void suspendReconnection() {
    record("suspendReconnection");
  }

  @Override public void resumeReconnection() {
    record("resumeReconnection");
  }

  @Override public void restartConnection() {
    record("restartConnection");
  }

  @Override public void pause() {
    record("pause");
  }

  @Override public void resume() {
    record("resume");
  }

  @Override public void close() {
    record("close");
  }

  @Override public String uri() {
    return "http://fake:1";
  }

  @Override public Socket socket(String namespace) {
    throw new UnsupportedOperationException();
  }

  @Override public Socket socket(String namespace, SocketOptions options) {
    throw new UnsupportedOperationException();
  }

  @Override public @Nullable Transport transport() {
    return null;
  }

  @Override public boolean isOpen() {
    return false;
  }

  @Override public Subscription onUpgrade(Listener<Transport> listener) {
    throw new UnsupportedOperationException();
  }

  @Override public Subscription onUpgradeError(Listener<TransportException> listener) {
    throw new UnsupportedOperationException();
  }

  @Override public Subscription onConnectionError(Listener<TransportException> listener) {
    throw new UnsupportedOperationException();
  }

  @Override public Subscription onReconnectAttempt(Listener<Integer> listener) {
    throw new UnsupportedOperationException();
  }

  @Override public Subscription onReconnect(Listener<Integer> listener) {
    throw new UnsupportedOperationException();
  }

  @Override public Subscription onReconnectError(Listener<TransportException> listener) {
    throw new UnsupportedOperationException();
  }

  @Override public Subscription onReconnectFailed(Runnable listener) {
    throw new UnsupportedOperationException();
  }

  @Override public String toString() {
    return "RecordingManager";
  }
}
