package dev.tether.internal.engine;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A minimal HTTP proxy on loopback: {@code CONNECT host:port} opens a tunnel (as OkHttp does for
 * {@code https://} and {@code wss://}); any other request is forwarded as it is to the target and the
 * connection piped both ways (as for {@code ws://}). With {@code requiredAuthorization} set, a request
 * without that {@code Proxy-Authorization} gets {@code 407} on a connection kept open, so the client
 * may retry on the same one.
 *
 * <p>Thread-safe; each client connection gets its own daemon threads. Close it to stop everything.
 */
final class TestHttpProxy implements AutoCloseable {
  private final ServerSocket serverSocket;
  private final InetSocketAddress target;
  private final @Nullable String requiredAuthorization;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();
  final List<String> requestLines = new CopyOnWriteArrayList<>();

  TestHttpProxy(InetSocketAddress target, @Nullable String requiredAuthorization) throws IOException {
    this.target = target;
    this.requiredAuthorization = requiredAuthorization;
    serverSocket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread acceptor = new Thread(this::acceptLoop, "test-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  Proxy proxy() {
    return new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", serverSocket.getLocalPort()));
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        Socket client = serverSocket.accept();
        sockets.add(client);
        connections.incrementAndGet();
        start("test-proxy-client", () -> serve(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      while (true) {
        byte[] head = readHead(in);
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String requestLine = text.substring(0, text.indexOf("\r\n"));
        requestLines.add(requestLine);
        if (requiredAuthorization != null
            && !text.toLowerCase(Locale.ROOT).contains("proxy-authorization: " + requiredAuthorization.toLowerCase(Locale.ROOT))) {
          out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
              + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          continue; // keep-alive: the client may ask again on this connection
        }
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        sockets.add(upstream);
        if (requestLine.startsWith("CONNECT ")) {
          out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        } else {
          upstream.getOutputStream().write(head);
        }
        start("test-proxy-up", () -> pipe(in, upstream));
        pipe(upstream.getInputStream(), client);
        return;
      }
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int c = in.read();
      if (c < 0) throw new EOFException("connection closed in a request head");
      head.write(c);
      matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  private static void pipe(InputStream from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      OutputStream out = to.getOutputStream();
      for (int n; (n = from.read(buffer)) != -1; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(to);
    }
  }

  private static void start(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override public void close() throws IOException {
    serverSocket.close();
    for (Socket socket : sockets) closeQuietly(socket);
  }
}
