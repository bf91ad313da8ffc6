package dev.tether.samples.chat;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;

/**
 * A TCP proxy on a loopback port in front of a server, which a test can take {@link #down()} (every
 * connection dropped, new ones refused) and bring {@link #up()} again: a network outage without a
 * server restart, so the server keeps the sessions it can recover.
 */
final class CuttableProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Object lock = new Object();
  private final Set<Socket> open = new HashSet<>(); // guarded by lock
  private boolean down; // guarded by lock

  private CuttableProxy(ServerSocket listener, int targetPort) {
    this.listener = listener;
    this.targetPort = targetPort;
  }

  /** Starts a proxy to {@code 127.0.0.1:targetPort} on an ephemeral loopback port. */
  static CuttableProxy start(int targetPort) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    CuttableProxy proxy = new CuttableProxy(listener, targetPort);
    Thread acceptor = new Thread(proxy::acceptLoop, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  String url() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /** Drops every connection and refuses new ones until {@link #up()}. */
  void down() {
    synchronized (lock) {
      down = true;
      open.forEach(CuttableProxy::closeQuietly);
      open.clear();
    }
  }

  void up() {
    synchronized (lock) {
      down = false;
    }
  }

  @Override
  public void close() {
    closeQuietly(listener);
    down();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      synchronized (lock) {
        if (down) {
          closeQuietly(client);
          continue;
        }
        try {
          Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          client.setTcpNoDelay(true);
          server.setTcpNoDelay(true);
          open.add(client);
          open.add(server);
          pump(client, server);
          pump(server, client);
        } catch (IOException e) {
          closeQuietly(client);
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      try {
        from.getInputStream().transferTo(to.getOutputStream());
      } catch (IOException ignored) {
        // dropped: close both ends below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        synchronized (lock) {
          open.remove(from);
          open.remove(to);
        }
      }
    }, "proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
