package dev.tether.fault;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback between a client under test and a real server, with faults on command:
 * drop every connection, black-hole (accept and stay silent), add latency to every chunk, cut a
 * connection after a number of bytes from the server (e.g. in the middle of a frame), refuse new
 * connections for a while, and run an action right after a chunk containing some text was forwarded
 * (e.g. cut everything the moment the server's {@code 3probe} reached the client).
 *
 * <p>Each direction of each connection is a pipeline: a reader thread stamps every chunk it reads
 * and queues it; a writer thread forwards it once its latency has passed (so latency delays chunks
 * without throttling throughput, like a long wire), while the black hole is off, and applies the
 * byte cut. End of stream or an error on either side closes the whole connection once what was read
 * before it was forwarded (or at once for {@link #dropAll()}).
 *
 * <p>Thread-safe: the controls may be called from any thread while traffic flows.
 */
public final class FaultProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final List<Trigger> triggers = new CopyOnWriteArrayList<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong cuts = new AtomicLong();
  private final AtomicLong serverBytesTotal = new AtomicLong();
  /** Bumped by every {@link #dropAll()}: a connection being set up meanwhile is dropped too. */
  private final AtomicLong drops = new AtomicLong();
  /** Guards the black hole: writers wait on it while the hole is on. */
  private final Object gate = new Object();
  private volatile boolean closed;
  private volatile boolean refusing;
  private volatile boolean blackHole;
  private volatile long latencyNanos;
  /** Bytes from the server after which a link is cut; -1 for none. Counted per link from arming. */
  private volatile long cutServerBytesAfter = -1;
  /** The cut disarms itself after cutting one link. */
  private volatile boolean cutOnce;

  public FaultProxy(int targetPort) throws IOException {
    this(targetPort, 0);
  }

  /** Listens on {@code listenPort} (0 for any free one) and forwards to {@code 127.0.0.1:targetPort}. */
  public FaultProxy(int targetPort, int listenPort) throws IOException {
    target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 1024);
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

  /** Connections closed right after accept because {@link #refuse(boolean) refuse} was on. */
  public long refusedConnections() {
    return refused.get();
  }

  /** Connections cut by {@link #cutAfterServerBytes} or {@link #cutOnceAfterServerBytes} so far. */
  public long cuts() {
    return cuts.get();
  }

  /** Bytes forwarded from the server to clients so far, over all connections. */
  public long serverBytes() {
    return serverBytesTotal.get();
  }

  public int openConnections() {
    return links.size();
  }

  /**
   * Closes every current connection at once (both sides see a reset or EOF), also one accepted but
   * still being connected to the server. Connections accepted afterwards still work.
   */
  public void dropAll() {
    drops.incrementAndGet();
    for (Link link : links) link.close();
  }

  /**
   * While on, nothing is forwarded in either direction: connections (also new ones) stay open and
   * silent, and what they carry is held (as TCP would retransmit it) and forwarded once it is off.
   */
  public void blackHole(boolean on) {
    synchronized (gate) {
      blackHole = on;
      gate.notifyAll();
    }
  }

  /** Delays every chunk read from now on by this much, in both directions (0 for none). */
  public void latency(long delay, TimeUnit unit) {
    latencyNanos = unit.toNanos(delay);
  }

  /**
   * Cuts each connection (open ones and later ones) once it has forwarded {@code bytes} more bytes
   * from the server (-1: off). A cut connection is closed on both sides.
   */
  public void cutAfterServerBytes(long bytes) {
    arm(bytes, false);
  }

  /** As {@link #cutAfterServerBytes}, but disarms itself after the first connection it cut. */
  public void cutOnceAfterServerBytes(long bytes) {
    arm(bytes, true);
  }

  private void arm(long bytes, boolean once) {
    for (Link link : links) link.serverBytesAtArm = link.serverBytes.get();
    cutOnce = once;
    cutServerBytesAfter = bytes;
  }

  /** While on, new connections are closed right after they are accepted. */
  public void refuse(boolean on) {
    refusing = on;
  }

  /**
   * Runs {@code action} once, on a proxy thread, right after a chunk whose text (ISO-8859-1) contains
   * {@code marker} was forwarded in the given direction; e.g. {@code ("3probe", true, proxy::dropAll)}.
   * WebSocket frames from a client are masked, so match client traffic on HTTP text only.
   *
   * @return a flag that turns true once the action ran
   */
  public AtomicBoolean afterForwarding(String marker, boolean fromServer, Runnable action) {
    Trigger trigger = new Trigger(marker, fromServer, action);
    triggers.add(trigger);
    return trigger.fired;
  }

  @Override public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    blackHole(false); // wakes every writer
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
      long dropsAtAccept = drops.get();
      if (refusing) {
        refused.incrementAndGet();
        closeQuietly(client);
        continue;
      }
      Socket server = new Socket();
      try {
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        server.connect(target, 5000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
        continue;
      }
      Link link = new Link(client, server);
      links.add(link);
      link.start();
      // A dropAll() since the accept did not see this link: it goes too (its refuse(true) may have
      // come after the check above).
      if (closed || drops.get() != dropsAtAccept) link.close();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  private void fireTriggers(byte[] data, int length, boolean fromServer) {
    if (triggers.isEmpty()) return;
    String text = null;
    for (Trigger trigger : triggers) {
      if (trigger.fromServer != fromServer || trigger.fired.get()) continue;
      if (text == null) text = new String(data, 0, length, ISO_8859_1);
      if (text.contains(trigger.marker) && trigger.fired.compareAndSet(false, true)) {
        triggers.remove(trigger);
        trigger.action.run();
      }
    }
  }

  /** A one-shot action after forwarding a chunk that contains a marker. */
  private static final class Trigger {
    final String marker;
    final boolean fromServer;
    final Runnable action;
    final AtomicBoolean fired = new AtomicBoolean();

    Trigger(String marker, boolean fromServer, Runnable action) {
      this.marker = marker;
      this.fromServer = fromServer;
      this.action = action;
    }
  }

  /** A chunk read from one side, due on the other side at {@code dueNanos}; {@code data == null} is EOF. */
  private static final class Chunk {
    final byte[] data;
    final long dueNanos;

    Chunk(byte[] data, long dueNanos) {
      this.data = data;
      this.dueNanos = dueNanos;
    }
  }

  /** One proxied connection: two pipelines of a reader and a writer each. */
  private final class Link {
    final Socket client;
    final Socket server;
    final AtomicLong serverBytes = new AtomicLong();
    final AtomicBoolean linkClosed = new AtomicBoolean();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    volatile long serverBytesAtArm;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      int port = client.getPort();
      pipeline(client, server, false, "fault-proxy-up-" + port);
      pipeline(server, client, true, "fault-proxy-down-" + port);
    }

    private void pipeline(Socket from, Socket to, boolean fromServer, String name) {
      BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> read(from, queue), name + "-read");
      Thread writer = new Thread(() -> write(to, queue, fromServer), name + "-write");
      for (Thread thread : Arrays.asList(reader, writer)) {
        thread.setDaemon(true);
        threads.add(thread);
      }
      reader.start();
      writer.start();
    }

    private void read(Socket from, BlockingQueue<Chunk> queue) {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        while (true) {
          int read = in.read(buffer);
          if (read < 0) break;
          queue.add(new Chunk(Arrays.copyOf(buffer, read), System.nanoTime() + latencyNanos));
        }
      } catch (IOException e) {
        // this side went away, or the link was closed
      }
      queue.add(new Chunk(null, System.nanoTime() + latencyNanos)); // close after what came before
    }

    private void write(Socket to, BlockingQueue<Chunk> queue, boolean fromServer) {
      try {
        OutputStream out = to.getOutputStream();
        while (!linkClosed.get()) {
          Chunk chunk = queue.take();
          long wait;
          while ((wait = chunk.dueNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, wait); // the latency of the wire
            if (linkClosed.get()) return;
          }
          synchronized (gate) {
            while (blackHole && !linkClosed.get()) gate.wait();
          }
          if (chunk.data == null || linkClosed.get()) break;
          int length = chunk.data.length;
          boolean cut = false;
          long limit = cutServerBytesAfter;
          if (fromServer && limit >= 0) {
            long allowed = serverBytesAtArm + limit - serverBytes.get();
            if (allowed < length) {
              length = (int) Math.max(0, allowed);
              cut = true;
            }
          }
          out.write(chunk.data, 0, length);
          out.flush();
          if (fromServer) {
            serverBytes.addAndGet(length);
            serverBytesTotal.addAndGet(length);
          }
          if (cut) {
            cuts.incrementAndGet();
            if (cutOnce) cutServerBytesAfter = -1;
            break;
          }
          fireTriggers(chunk.data, length, fromServer);
        }
      } catch (IOException | InterruptedException e) {
        // the link was closed, or a side went away
      } finally {
        close();
      }
    }

    void close() {
      if (!linkClosed.compareAndSet(false, true)) return;
      links.remove(this);
      closeQuietly(client);
      closeQuietly(server);
      synchronized (gate) {
        gate.notifyAll();
      }
      for (Thread thread : threads) {
        if (thread != Thread.currentThread()) thread.interrupt();
      }
    }
  }
}
