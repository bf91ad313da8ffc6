package dev.tether.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * A minimal WebSocket server (RFC 6455) on a plain {@link ServerSocket}, driven step by step from
 * the test thread: accept one connection, answer its upgrade, write server frames, and read client
 * frames only when the test says so. Not reading is the point: it is how a slow server looks to the
 * client, and MockWebServer always reads.
 *
 * <p>Used by one test thread at a time; every blocking call has a deadline.
 */
final class WebSocketTransportRawServer implements AutoCloseable {
  /** RFC 6455 section 1.3: appended to the client's key before hashing. */
  static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  static final int OPCODE_TEXT = 0x1;
  static final int OPCODE_BINARY = 0x2;
  static final int OPCODE_CLOSE = 0x8;
  static final int OPCODE_PING = 0x9;
  static final int OPCODE_PONG = 0xA;
  private static final int TIMEOUT_MILLIS = 10_000;

  /** One frame from the client; the payload is unmasked, and only its first bytes may be kept. */
  static final class Frame {
    final boolean fin;
    final int opcode;
    final long length;
    /** The first {@code min(length, keep)} bytes of the payload. */
    final byte[] payload;

    Frame(boolean fin, int opcode, long length, byte[] payload) {
      this.fin = fin;
      this.opcode = opcode;
      this.length = length;
      this.payload = payload;
    }

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame, or 1005 when it has none. */
    int closeCode() {
      assertThat(opcode).as("a close frame").isEqualTo(OPCODE_CLOSE);
      return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    @Override public String toString() {
      return "opcode " + opcode + ", " + length + " bytes" + (opcode == OPCODE_TEXT && payload.length <= 64
          ? " \"" + text() + "\"" : "");
    }
  }

  private final ServerSocket serverSocket;
  private final boolean tls;
  private @Nullable Socket socket;
  private @Nullable DataInputStream in;
  private @Nullable OutputStream out;
  private final Map<String, String> requestHeaders = new LinkedHashMap<>();
  private @Nullable String requestLine;
  private final byte[] skipBuffer = new byte[64 * 1024];

  /** @param receiveBufferSize the accepted socket's SO_RCVBUF, or 0 for the system default. */
  WebSocketTransportRawServer(int receiveBufferSize) throws IOException {
    this(receiveBufferSize, null);
  }

  /**
   * @param tls makes it a {@code wss://} server with this factory's certificate, or null for plain
   *     {@code ws://}
   */
  WebSocketTransportRawServer(int receiveBufferSize, javax.net.ssl.@Nullable SSLServerSocketFactory tls)
      throws IOException {
    this.tls = tls != null;
    serverSocket = tls != null ? tls.createServerSocket() : new ServerSocket();
    if (receiveBufferSize > 0) serverSocket.setReceiveBufferSize(receiveBufferSize); // inherited on accept
    serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    serverSocket.setSoTimeout(TIMEOUT_MILLIS);
  }

  HttpUrl url() {
    return new HttpUrl.Builder().scheme(tls ? "https" : "http").host("127.0.0.1").port(serverSocket.getLocalPort())
        .build();
  }

  /** Accepts the client's connection and reads its HTTP upgrade request, without answering it. */
  void acceptRequest() throws IOException {
    Socket accepted = serverSocket.accept();
    accepted.setSoTimeout(TIMEOUT_MILLIS);
    accepted.setTcpNoDelay(true);
    socket = accepted;
    in = new DataInputStream(new BufferedInputStream(accepted.getInputStream()));
    out = accepted.getOutputStream();
    requestLine = readLine();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      requestHeaders.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
  }

  /** Accepts the connection and completes the WebSocket handshake with {@code 101}. */
  void accept() throws IOException {
    acceptRequest();
    String key = requestHeaders.get("sec-websocket-key");
    assertThat(key).as("Sec-WebSocket-Key").isNotNull();
    String response = "HTTP/1.1 101 Switching Protocols\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n"
        + "\r\n";
    writeRaw(response.getBytes(StandardCharsets.US_ASCII));
  }

  static String acceptKey(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Nullable String requestLine() {
    return requestLine;
  }

  /** A request header by lower-case name. */
  @Nullable String requestHeader(String name) {
    return requestHeaders.get(name.toLowerCase(Locale.ROOT));
  }

  // ---- writing (server frames are never masked) ------------------------------------------------

  void sendText(String text) throws IOException {
    sendFrame(OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  void sendBinary(byte[] data) throws IOException {
    sendFrame(OPCODE_BINARY, data);
  }

  /** A close frame with an empty body: the client sees code 1005 (no status), as engine.io sends it. */
  void sendCloseWithoutStatus() throws IOException {
    sendFrame(OPCODE_CLOSE, new byte[0]);
  }

  void sendFrame(int opcode, byte[] payload) throws IOException {
    sendFrameWithFirstByte(0x80 | opcode, payload);
  }

  /** A frame whose first byte (FIN, RSV bits, opcode) is exactly {@code b0}: fragments, compressed frames. */
  void sendFrameWithFirstByte(int b0, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
    frame.write(b0);
    if (payload.length < 126) {
      frame.write(payload.length);
    } else if (payload.length <= 0xffff) {
      frame.write(126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(127);
      long length = payload.length;
      for (int shift = 56; shift >= 0; shift -= 8) frame.write((int) (length >>> shift));
    }
    frame.write(payload, 0, payload.length);
    writeRaw(frame.toByteArray());
  }

  void writeRaw(byte[] bytes) throws IOException {
    OutputStream sink = out;
    if (sink == null) throw new IllegalStateException("not connected");
    sink.write(bytes);
    sink.flush();
  }

  /** Drops the TCP connection without a close frame. */
  void cut() throws IOException {
    Socket s = socket;
    if (s != null) s.close();
  }

  // ---- reading (client frames are always masked) -----------------------------------------------

  /** Reads the next frame and keeps its whole payload (up to 1 MiB). */
  Frame readFrame() throws IOException {
    return readFrame(1024 * 1024);
  }

  /** Reads the next frame, keeping only the first {@code keep} bytes of its payload. */
  Frame readFrame(int keep) throws IOException {
    DataInputStream source = in;
    if (source == null) throw new IllegalStateException("not connected");
    int b0 = source.readUnsignedByte();
    int b1 = source.readUnsignedByte();
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0f;
    assertThat(b0 & 0x70).as("RSV bits (no extension was negotiated)").isZero();
    assertThat(b1 & 0x80).as("client frames are masked").isEqualTo(0x80);
    long length = b1 & 0x7f;
    if (length == 126) {
      length = source.readUnsignedShort();
    } else if (length == 127) {
      length = source.readLong();
      assertThat(length).as("64-bit frame length").isNotNegative();
    }
    byte[] mask = new byte[4];
    source.readFully(mask);
    int kept = (int) Math.min(length, keep);
    byte[] payload = new byte[kept];
    source.readFully(payload);
    for (int i = 0; i < kept; i++) payload[i] ^= mask[i & 3];
    long remaining = length - kept;
    while (remaining > 0) {
      int n = source.read(skipBuffer, 0, (int) Math.min(skipBuffer.length, remaining));
      if (n < 0) throw new EOFException("connection closed inside a frame");
      remaining -= n;
    }
    return new Frame(fin, opcode, length, payload);
  }

  private String readLine() throws IOException {
    DataInputStream source = in;
    if (source == null) throw new IllegalStateException("not connected");
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = source.read();
      if (c < 0) throw new EOFException("connection closed in the HTTP request");
      if (c == '\n') break;
      if (c != '\r') line.append((char) c);
    }
    return line.toString();
  }

  @Override public void close() throws IOException {
    try {
      Socket s = socket;
      if (s != null) s.close();
    } finally {
      serverSocket.close();
    }
  }
}
