package dev.tether.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Bounds the messages a WebSocket server sends, as their bytes arrive: watches the plaintext of one
 * connection from below OkHttp (see {@link IncomingLimitSockets}) and fails the read that would let a
 * message larger than the limit through, before OkHttp has buffered any of it.
 *
 * <p>What it reads: an HTTP response head (only its status code is kept); after a {@code 101} every
 * WebSocket frame header (FIN, RSV1, opcode, 7/16/64-bit length, mask), summing the lengths of a
 * message's frames, continuation frames included, and skipping payloads unread; after any other final
 * status, nothing until the next request is written on the connection. It holds a few counters, never
 * the data.
 *
 * <p>It fails the read with an {@link IncomingLimitException} when a message's announced length
 * (the sum so far, for a fragmented message) exceeds the limit, and with a {@link ProtocolException}
 * for a frame with RSV1 set: compression is never offered (the offer is removed from the upgrade
 * request), and a compressed frame could inflate far beyond the bytes counted here. The bytes before
 * the offending header byte are still handed on, so messages that precede it are delivered; the next
 * read fails. When the socket is then closed (or one of its streams, or shut down), a close frame with
 * code 1009 ("message too big") is written first if the outgoing side is between frames and no write
 * is in progress.
 *
 * <p>Thread-safety: the incoming side is read by one thread at a time (OkHttp's reader); the outgoing
 * side is written under {@link #writeLock}, which {@link #beforeClose} waits for only briefly; the
 * mode is volatile.
 */
final class IncomingMessageGuard {
  static final int CLOSE_TOO_BIG = 1009;
  private static final byte[] CLOSE_REASON = {'m', 'e', 's', 's', 'a', 'g', 'e', ' ', 't', 'o', 'o', ' ', 'b',
      'i', 'g'};

  /** Reading an HTTP response head. */
  private static final int HEAD = 0;
  /** After {@code 101 Switching Protocols}: WebSocket frames both ways. */
  private static final int FRAMES = 1;
  /** After any other final response: its body, not checked; the next request starts a new head. */
  private static final int BODY = 2;

  private final long limit;
  private volatile int mode = HEAD;
  /** A request was written while not in {@link #FRAMES}: the next bytes read start a new head. */
  private volatile boolean requestWritten;

  // Incoming; confined to the reading thread.
  private int lineLength;
  private boolean inStatusLine = true;
  private boolean statusStarted;
  private int statusDigits = -1;
  private int status;
  private final FrameScanner incoming = new FrameScanner();
  private long messageBytes;
  private volatile @Nullable IOException failure;

  // Outgoing.
  private final ReentrantLock writeLock = new ReentrantLock();
  private final FrameScanner outgoing = new FrameScanner(); // guarded by writeLock
  private @Nullable OutputStream plainOut; // guarded by writeLock
  private boolean closeSent; // guarded by writeLock
  /**
   * How long a closer waits for a write in progress (another closer's close frame, or a frame OkHttp
   * is writing) before it gives up on the close frame.
   */
  private static final long CLOSE_WRITE_WAIT_MILLIS = 500;

  IncomingMessageGuard(long limit) {
    this.limit = limit;
  }

  /**
   * Starts over on a new layer: TLS was just started on the connection (after a proxy's CONNECT
   * answer, which this guard may have read), so the next plaintext is a new request and response.
   */
  void startOver() {
    mode = HEAD;
    requestWritten = false;
    startHead();
    writeLock.lock();
    try {
      plainOut = null;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * True once a response other than {@code 101} was read: OkHttp must not send another request on
   * this connection (a follow-up after 401, 407 or a redirect opens a fresh one), since bytes it read
   * ahead past that response would have escaped the check.
   */
  boolean refusesReuse() {
    return mode == BODY;
  }

  InputStream input(InputStream in) {
    return new Input(in);
  }

  OutputStream output(OutputStream out) {
    writeLock.lock();
    try {
      plainOut = out;
    } finally {
      writeLock.unlock();
    }
    return new Output(out);
  }

  /**
   * Checks {@code n} bytes just read into {@code b} at {@code off}.
   *
   * @return how many of them may be handed on; fewer than {@code n} once a limit was hit, and then
   *     {@link #failure} says why
   */
  private int scan(byte[] b, int off, int n) {
    if (requestWritten) {
      requestWritten = false;
      if (mode == BODY) {
        mode = HEAD;
        startHead();
      }
    }
    int end = off + n;
    int i = off;
    while (i < end) {
      int current = mode;
      if (current == BODY) return n;
      if (current == HEAD) {
        i = scanHead(b, i, end);
        continue;
      }
      if (incoming.inPayload()) {
        i += incoming.skipPayload(end - i);
        continue;
      }
      int c = b[i] & 0xff;
      if (incoming.atFrameStart() && (c & 0x40) != 0) {
        failure = new ProtocolException("the server sent a compressed websocket frame (RSV1), but compression "
            + "was not offered");
        return i - off;
      }
      if (incoming.header(c) && !checkIncomingFrame()) return i - off;
      i++;
    }
    return n;
  }

  /** A frame header's length is known: false (and {@link #failure} set) if its message is too large. */
  private boolean checkIncomingFrame() {
    int opcode = incoming.opcode();
    if (opcode != 0x0 && opcode != 0x1 && opcode != 0x2) return true; // control or invalid: OkHttp's business
    long before = opcode == 0x0 ? messageBytes : 0;
    long length = incoming.length();
    if (length < 0 || length > limit - before) {
      long total = length < 0 || before + length < 0 ? Long.MAX_VALUE : before + length;
      failure = new IncomingLimitException("websocket message of " + (opcode == 0x0 ? "at least " : "") + total
          + " bytes exceeds maxIncomingMessageBytes (" + limit + " bytes)");
      return false;
    }
    messageBytes = before + length;
    return true;
  }

  private void startHead() {
    lineLength = 0;
    inStatusLine = true;
    statusStarted = false;
    statusDigits = -1;
    status = 0;
  }

  /** Reads head bytes from {@code i}; returns where it stopped (the end, or just after the head). */
  private int scanHead(byte[] b, int i, int end) {
    while (i < end) {
      int c = b[i++] & 0xff;
      if (c == '\n') {
        if (lineLength == 0) { // the empty line that ends the head (also ends it early on garbage: fail-closed)
          endHead();
          return i;
        }
        lineLength = 0;
        inStatusLine = false;
      } else if (c != '\r') {
        lineLength++;
        if (inStatusLine) statusLineByte(c);
      }
    }
    return i;
  }

  /** The status code is the three digits after the first space ("HTTP/1.1 101 ...", "ICY 200 ..."). */
  private void statusLineByte(int c) {
    if (!statusStarted) {
      if (c == ' ') {
        statusStarted = true;
        statusDigits = 0;
      }
    } else if (statusDigits >= 0 && statusDigits < 3 && c >= '0' && c <= '9') {
      status = status * 10 + (c - '0');
      statusDigits++;
    } else if (statusDigits < 3) {
      statusDigits = -1; // not a status code
    }
  }

  private void endHead() {
    int code = statusDigits == 3 ? status : -1;
    startHead();
    if (code == 101) {
      mode = FRAMES; // the request is written in full: the outgoing side is between frames
    } else if (code < 100 || code >= 200) {
      mode = BODY;
    } // else an interim response (100, 102, 103): another head follows
  }

  private void wrote(byte[] b, int off, int len) {
    if (mode != FRAMES) {
      requestWritten = true;
      return;
    }
    int end = off + len;
    for (int i = off; i < end; ) {
      if (outgoing.inPayload()) {
        i += outgoing.skipPayload(end - i);
      } else {
        outgoing.header(b[i] & 0xff);
        i++;
      }
    }
  }

  /**
   * Called when the socket (or one of its streams) is about to close: after an incoming message was
   * refused, writes a masked close frame with code 1009, if the outgoing side is between frames (so
   * the stream is not corrupted) and any write in progress ends within
   * {@value #CLOSE_WRITE_WAIT_MILLIS} ms. OkHttp 5 closes the writer's stream on one thread and the
   * socket on another: the second closer waits for the first one's close frame instead of closing the
   * socket under it. Never throws.
   */
  void beforeClose() {
    if (!(failure instanceof IncomingLimitException) || mode != FRAMES) return;
    try {
      if (!writeLock.tryLock(CLOSE_WRITE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      OutputStream out = plainOut;
      if (closeSent || out == null || !outgoing.atFrameStart()) return;
      closeSent = true;
      out.write(closeFrame());
      out.flush();
    } catch (IOException | RuntimeException ignored) {
      // Best effort: the connection is being dropped anyway.
    } finally {
      writeLock.unlock();
    }
  }

  /** A client close frame: FIN + opcode 8, masked, code 1009 and a short reason. */
  private static byte[] closeFrame() {
    int payloadLength = 2 + CLOSE_REASON.length;
    byte[] frame = new byte[2 + 4 + payloadLength];
    frame[0] = (byte) 0x88;
    frame[1] = (byte) (0x80 | payloadLength);
    int mask = ThreadLocalRandom.current().nextInt();
    for (int i = 0; i < 4; i++) frame[2 + i] = (byte) (mask >>> (24 - 8 * i));
    frame[6] = (byte) (CLOSE_TOO_BIG >>> 8);
    frame[7] = (byte) CLOSE_TOO_BIG;
    System.arraycopy(CLOSE_REASON, 0, frame, 8, CLOSE_REASON.length);
    for (int i = 0; i < payloadLength; i++) frame[6 + i] ^= frame[2 + (i & 3)];
    return frame;
  }

  /**
   * Follows WebSocket frame headers through a byte stream without keeping any payload (RFC 6455
   * section 5.2). Not thread-safe.
   */
  static final class FrameScanner {
    private static final int B0 = 0;
    private static final int B1 = 1;
    private static final int LENGTH = 2;
    private static final int MASK = 3;
    private static final int PAYLOAD = 4;

    private int state = B0;
    private int b0;
    private boolean masked;
    private int pending;
    private long length;
    private long payloadLeft;

    /** True between frames: the next byte is the first of a frame header. */
    boolean atFrameStart() {
      return state == B0;
    }

    boolean inPayload() {
      return state == PAYLOAD;
    }

    /** Skips up to {@code available} payload bytes; returns how many. */
    int skipPayload(int available) {
      int skipped = (int) Math.min(available, payloadLeft);
      payloadLeft -= skipped;
      if (payloadLeft == 0) state = B0;
      return skipped;
    }

    /**
     * Consumes one header byte (or masking-key byte).
     *
     * @return true when this byte completed the frame's length: {@link #opcode} and {@link #length}
     *     describe the frame now
     */
    boolean header(int c) {
      switch (state) {
        case B0:
          b0 = c;
          state = B1;
          return false;
        case B1:
          masked = (c & 0x80) != 0;
          int length7 = c & 0x7f;
          if (length7 < 126) {
            length = length7;
            afterLength();
            return true;
          }
          pending = length7 == 126 ? 2 : 8;
          length = 0;
          state = LENGTH;
          return false;
        case LENGTH:
          length = (length << 8) | c;
          if (--pending > 0) return false;
          afterLength();
          return true;
        case MASK:
          if (--pending == 0) startPayload();
          return false;
        default:
          throw new IllegalStateException("in a payload");
      }
    }

    private void afterLength() {
      if (masked) {
        pending = 4;
        state = MASK;
      } else {
        startPayload();
      }
    }

    private void startPayload() {
      if (length == 0) {
        state = B0;
      } else {
        payloadLeft = length < 0 ? Long.MAX_VALUE : length;
        state = PAYLOAD;
      }
    }

    int opcode() {
      return b0 & 0x0f;
    }

    /** The frame's payload length; negative if the server set the top bit of a 64-bit length. */
    long length() {
      return length;
    }
  }

  /** The connection's incoming bytes, checked as they are read. */
  private final class Input extends InputStream {
    private final InputStream in;
    private final byte[] one = new byte[1];

    Input(InputStream in) {
      this.in = in;
    }

    @Override public int read() throws IOException {
      int n = read(one, 0, 1);
      return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
      IOException refused = failure;
      if (refused != null) throw refused;
      int n = in.read(b, off, len);
      if (n <= 0) return n;
      int allowed = scan(b, off, n);
      if (allowed > 0) return allowed;
      refused = failure;
      throw refused != null ? refused : new IOException("incoming data refused");
    }

    @Override public int available() throws IOException {
      return failure != null ? 0 : in.available();
    }

    @Override public void close() throws IOException {
      beforeClose(); // closing a socket's stream closes the socket
      in.close();
    }
  }

  /** The connection's outgoing bytes: followed frame by frame so a close frame can be slipped in between. */
  private final class Output extends OutputStream {
    private final OutputStream out;

    Output(OutputStream out) {
      this.out = out;
    }

    @Override public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override public void write(byte[] b, int off, int len) throws IOException {
      writeLock.lock();
      try {
        if (closeSent) throw new IOException("closed: the connection refused an incoming message");
        out.write(b, off, len);
        wrote(b, off, len);
      } finally {
        writeLock.unlock();
      }
    }

    @Override public void flush() throws IOException {
      out.flush();
    }

    @Override public void close() throws IOException {
      beforeClose(); // OkHttp 5 may close the WebSocket's sink before it closes the socket
      out.close();
    }
  }
}
