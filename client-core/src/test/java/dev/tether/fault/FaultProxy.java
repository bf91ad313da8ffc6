package dev.tether.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between a client under test and a real server, with faults on command:
 * drop every connection, black-hole (accept and stay silent), add latency to every chunk, cut a
 * connection after a number of bytes from the server (e.g. in the middle of a frame), refuse new
 * connections for a while. Each connection is pumped by two daemon threads.
 *
 * <p>Thread-safe: the controls may be called from any thread while traffic flows.
 */
public final class FaultProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final AtomicLong accepted = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean refusing;
  private volatile boolean blackHole;
  private volatile long latencyMillis;
  /** Bytes from the server after which every link is cut; -1 for none. Counted per link. */
  private volatile long cutServerBytesAfter = -1;

  public FaultProxy(int targetPort) throws IOException {
    this(targetPort, 0);
  }

  /** Listens on {@code listenPort} (0 for any free one) and forwards to {@code 127.0.0.1:targetPort}. */
  public FaultProxy(int targetPort, int listenPort) throws IOException {
    target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
    acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Connections accepted so far (also those refused right after accept). */
  public long acceptedConnections() {
    return accepted.get();
  }

  public int openConnections() {
    return links.size();
  }

  /** Closes every current connection at once (both sides see a reset or EOF). New ones still work. */
  public void dropAll() {
    for (Link link : links) link.close();
  }

  /** While on, nothing is forwarded in either direction; connections stay open and silent. */
  public void blackHole(boolean on) {
    blackHole = on;
  }

  /** Delays every forwarded chunk by this much, in both directions (0 for none). */
  public void latency(long delay, TimeUnit unit) {
    latencyMillis = unit.toMillis(delay);
  }

  /** Cuts each connection once it has forwarded {@code bytes} more bytes from the server (-1: off). */
  public void cutAfterServerBytes(long bytes) {
    cutServerBytesAfter = bytes;
    for (Link link : links) link.serverBytesAtArm = link.serverBytes.get();
  }

  /** While on, new connections are closed right after they are accepted. */
  public void refuse(boolean on) {
    refusing = on;
  }

  @Override public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    dropAll();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      if (refusing) {
        closeQuietly(client);
        continue;
      }
      Socket server = new Socket();
      try {
        server.connect(target, 5000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
        continue;
      }
      Link link = new Link(client, server);
      links.add(link);
      link.start();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /** One proxied connection: two pumps. */
  private final class Link {
    final Socket client;
    final Socket server;
    final AtomicLong serverBytes = new AtomicLong();
    volatile long serverBytesAtArm;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      pump(client, server, false, "fault-proxy-up-" + client.getPort());
      pump(server, client, true, "fault-proxy-down-" + client.getPort());
    }

    private void pump(Socket from, Socket to, boolean fromServer, String name) {
      Thread thread = new Thread(() -> {
        byte[] buffer = new byte[16 * 1024];
        try {
          InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream();
          while (true) {
            int read = in.read(buffer);
            if (read < 0) break;
            while (blackHole && !closed) {
              TimeUnit.MILLISECONDS.sleep(5); // hold the data: the peer hears nothing
            }
            long delay = latencyMillis;
            if (delay > 0) TimeUnit.MILLISECONDS.sleep(delay);
            int length = read;
            boolean cut = false;
            long limit = cutServerBytesAfter;
            if (fromServer && limit >= 0) {
              long allowed = serverBytesAtArm + limit - serverBytes.get();
              if (allowed < length) {
                length = (int) Math.max(0, allowed);
                cut = true;
              }
            }
            out.write(buffer, 0, length);
            out.flush();
            if (fromServer) serverBytes.addAndGet(length);
            if (cut) break;
          }
        } catch (SocketException | InterruptedException e) {
          // the link was closed
        } catch (IOException e) {
          // a side went away
        } finally {
          close();
        }
      }, name);
      thread.setDaemon(true);
      thread.start();
    }

    void close() {
      links.remove(this);
      closeQuietly(client);
      closeQuietly(server);
    }
  }
}
