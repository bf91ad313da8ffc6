package dev.tether.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IncomingMessageGuard} on byte streams, without sockets: what it lets through, where it stops,
 * and the close frame it leaves behind. Every stream is also read in chunks of one byte and of three,
 * so no check depends on how the bytes happen to arrive.
 */
public class IncomingMessageGuardTest {
  static final String UPGRADE = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Accept: x\r\n\r\n";
  static final long LIMIT = 1000;

  // ---- what passes -------------------------------------------------------------------------------

  @ParameterizedTest(name = "read {0} bytes at a time")
  @ValueSource(ints = {1, 3, 8192})
  void messagesUpToTheLimitPassUnchanged(int chunk) throws IOException {
    byte[] wire = concat(ascii(UPGRADE), frame(0x81, LIMIT), frame(0x82, 0), frame(0x89, 4) /* ping */,
        frame(0x82, LIMIT));
    assertThat(readAll(guard().input(chunked(wire, chunk)), 8192)).isEqualTo(wire);
  }

  @ParameterizedTest(name = "read {0} bytes at a time")
  @ValueSource(ints = {1, 3, 8192})
  void aFragmentedMessageMayReachTheLimitInSum(int chunk) throws IOException {
    byte[] wire = concat(ascii(UPGRADE), frame(0x01, 400), frame(0x89, 2), frame(0x00, 300), frame(0x80, 300),
        frame(0x81, 1000));
    assertThat(readAll(guard().input(chunked(wire, chunk)), 8192)).isEqualTo(wire);
  }

  @Test void theBodyOfAResponseThatIsNotAnUpgradeIsNotParsed() throws IOException {
    byte[] wire = concat(ascii("HTTP/1.1 400 Bad Request\r\nContent-Length: 10\r\n\r\n"),
        new byte[] {(byte) 0x82, 127, 0x7f, -1, -1, -1, -1, -1, -1, -1}); // looks like a huge frame header
    assertThat(readAll(guard().input(chunked(wire, 3)), 8192)).isEqualTo(wire);
  }

  // ---- what stops --------------------------------------------------------------------------------

  @ParameterizedTest(name = "read {0} bytes at a time")
  @ValueSource(ints = {1, 3, 8192})
  void aMessageAnnouncedOverTheLimitFailsTheReadBeforeItsPayload(int chunk) throws IOException {
    byte[] before = concat(ascii(UPGRADE), frame(0x81, 10));
    byte[] wire = concat(before, header(0x82, 1L << 30), new byte[64]); // announces 1 GiB
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    InputStream in = guard().input(chunked(wire, chunk));

    assertThatThrownBy(() -> readInto(in, read))
        .isInstanceOf(IncomingLimitException.class)
        .hasMessage("websocket message of 1073741824 bytes exceeds maxIncomingMessageBytes (1000 bytes)");
    assertThat(read.size()).as("bytes handed on: the message before, not the whole header of the big one")
        .isGreaterThanOrEqualTo(before.length).isLessThan(before.length + header(0x82, 1L << 30).length);
    assertThatThrownBy(() -> in.read(new byte[10])).as("and every later read").isInstanceOf(IncomingLimitException.class);
  }

  @Test void oneByteOverTheLimitFails() {
    InputStream in = guard().input(new ByteArrayInputStream(concat(ascii(UPGRADE), frame(0x81, LIMIT + 1))));
    assertThatThrownBy(() -> readAll(in, 8192)).isInstanceOf(IncomingLimitException.class)
        .hasMessageContaining("1001 bytes");
  }

  @ParameterizedTest(name = "read {0} bytes at a time")
  @ValueSource(ints = {1, 3, 8192})
  void fragmentsThatSumOverTheLimitFailAtTheFragmentThatCrossesIt(int chunk) {
    byte[] wire = concat(ascii(UPGRADE), frame(0x01, 400), frame(0x8a, 0) /* pong */, frame(0x00, 400),
        frame(0x80, 201));
    InputStream in = guard().input(chunked(wire, chunk));
    assertThatThrownBy(() -> readAll(in, 8192)).isInstanceOf(IncomingLimitException.class)
        .hasMessage("websocket message of at least 1001 bytes exceeds maxIncomingMessageBytes (1000 bytes)");
  }

  @Test void aSixtyFourBitLengthWithTheTopBitSetFails() {
    byte[] huge = {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0};
    InputStream in = guard().input(new ByteArrayInputStream(concat(ascii(UPGRADE), huge)));
    assertThatThrownBy(() -> readAll(in, 8192)).isInstanceOf(IncomingLimitException.class);
  }

  @Test void aCompressedFrameIsRefusedBeforeOkHttpSeesIt() throws IOException {
    byte[] before = concat(ascii(UPGRADE), frame(0x81, 5));
    InputStream in = guard().input(new ByteArrayInputStream(concat(before, frame(0xc1, 5)))); // RSV1 + text
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    assertThatThrownBy(() -> readInto(in, read)).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("compressed");
    assertThat(read.toByteArray()).isEqualTo(before);
  }

  @Test void framesAfterAnInterimResponseAndTheUpgradeAreChecked() {
    byte[] wire = concat(ascii("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"), ascii(UPGRADE), frame(0x81, LIMIT + 1));
    assertThatThrownBy(() -> readAll(guard().input(new ByteArrayInputStream(wire)), 8192))
        .isInstanceOf(IncomingLimitException.class);
  }

  @Test void aRequestWrittenAfterAnotherResponseStartsANewHeadThatIsChecked() throws IOException {
    IncomingMessageGuard guard = guard();
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    OutputStream out = guard.output(sent);
    PipedBytes wire = new PipedBytes();
    InputStream in = guard.input(wire);

    out.write(ascii("GET / HTTP/1.1\r\n\r\n"));
    wire.add(ascii("HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\nno"));
    assertThat(readAll(in, 8192)).hasSize(ascii("HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\nno").length);
    assertThat(guard.refusesReuse()).as("OkHttp must open a fresh connection for the follow-up").isTrue();

    out.write(ascii("GET / HTTP/1.1\r\nAuthorization: x\r\n\r\n")); // if it reused this one anyway
    wire.add(concat(ascii(UPGRADE), frame(0x81, LIMIT + 1)));
    assertThatThrownBy(() -> readAll(in, 8192)).isInstanceOf(IncomingLimitException.class);
  }

  // ---- the close frame ---------------------------------------------------------------------------

  @Test void afterARefusedMessageClosingWritesAMaskedCloseFrameWith1009() throws IOException {
    IncomingMessageGuard guard = guard();
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    OutputStream out = guard.output(sent);
    out.write(ascii("GET / HTTP/1.1\r\n\r\n"));
    InputStream in = guard.input(new ByteArrayInputStream(concat(ascii(UPGRADE), header(0x82, 1L << 40))));
    assertThatThrownBy(() -> readAll(in, 8192)).isInstanceOf(IncomingLimitException.class);
    out.write(clientFrame(0x81, ascii("4hello"))); // a whole frame: between frames again
    int before = sent.size();

    guard.beforeClose();
    guard.beforeClose(); // once only

    byte[] close = java.util.Arrays.copyOfRange(sent.toByteArray(), before, sent.size());
    assertThat(close).hasSize(2 + 4 + 2 + "message too big".length());
    assertThat(close[0] & 0xff).as("FIN + close").isEqualTo(0x88);
    assertThat(close[1] & 0x80).as("masked").isEqualTo(0x80);
    byte[] payload = unmask(close);
    assertThat(((payload[0] & 0xff) << 8) | (payload[1] & 0xff)).isEqualTo(1009);
    assertThat(new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)).isEqualTo("message too big");
    assertThatThrownBy(() -> out.write(clientFrame(0x81, ascii("4late")))).as("nothing after the close frame")
        .isInstanceOf(IOException.class);
  }

  @Test void noCloseFrameInTheMiddleOfAnOutgoingFrameOrWithoutARefusal() throws IOException {
    IncomingMessageGuard guard = guard();
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    OutputStream out = guard.output(sent);
    out.write(ascii("GET / HTTP/1.1\r\n\r\n"));
    InputStream in = guard.input(new ByteArrayInputStream(concat(ascii(UPGRADE), frame(0x81, 3))));
    readAll(in, 8192);
    guard.beforeClose();
    assertThat(sent.size()).as("nothing was refused").isEqualTo(ascii("GET / HTTP/1.1\r\n\r\n").length);

    IncomingMessageGuard refusing = guard();
    ByteArrayOutputStream sent2 = new ByteArrayOutputStream();
    OutputStream out2 = refusing.output(sent2);
    out2.write(ascii("GET / HTTP/1.1\r\n\r\n"));
    InputStream in2 = refusing.input(new ByteArrayInputStream(concat(ascii(UPGRADE), header(0x81, LIMIT + 1))));
    assertThatThrownBy(() -> readAll(in2, 8192)).isInstanceOf(IncomingLimitException.class);
    byte[] frame = clientFrame(0x82, new byte[100]);
    out2.write(frame, 0, 50); // half a frame
    int before = sent2.size();
    refusing.beforeClose();
    assertThat(sent2.size()).as("a close frame here would corrupt the stream").isEqualTo(before);
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private static IncomingMessageGuard guard() {
    return new IncomingMessageGuard(LIMIT);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A server frame header (unmasked) for a payload of {@code length} bytes. */
  /** Also used by the Engine.IO transport tests that feed a guarded socket. */
  public static byte[] header(int b0, long length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b0);
    if (length < 126) {
      out.write((int) length);
    } else if (length <= 0xffff) {
      out.write(126);
      out.write((int) (length >>> 8));
      out.write((int) length);
    } else {
      out.write(127);
      for (int shift = 56; shift >= 0; shift -= 8) out.write((int) (length >>> shift));
    }
    return out.toByteArray();
  }

  /** A whole server frame of {@code length} bytes of 'x'. */
  static byte[] frame(int b0, long length) {
    byte[] payload = new byte[(int) length];
    java.util.Arrays.fill(payload, (byte) 'x');
    return concat(header(b0, length), payload);
  }

  /** A client frame: masked. */
  private static byte[] clientFrame(int b0, byte[] payload) {
    byte[] header = header(b0, payload.length);
    header[1] |= (byte) 0x80;
    byte[] mask = {1, 2, 3, 4};
    byte[] masked = payload.clone();
    for (int i = 0; i < masked.length; i++) masked[i] ^= mask[i & 3];
    return concat(header, mask, masked);
  }

  private static byte[] unmask(byte[] frame) {
    int length = frame[1] & 0x7f;
    byte[] payload = new byte[length];
    for (int i = 0; i < length; i++) payload[i] = (byte) (frame[6 + i] ^ frame[2 + (i & 3)]);
    return payload;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) out.write(part, 0, part.length);
    return out.toByteArray();
  }

  /** A stream that returns at most {@code chunk} bytes per read. */
  private static InputStream chunked(byte[] data, int chunk) {
    return new ByteArrayInputStream(data) {
      @Override public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  private static byte[] readAll(InputStream in, int buffer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    readInto(in, out);
    return out.toByteArray();
  }

  private static void readInto(InputStream in, ByteArrayOutputStream out) throws IOException {
    byte[] b = new byte[8192];
    for (int n; (n = in.read(b, 0, b.length)) != -1; ) out.write(b, 0, n);
  }

  /** Bytes added by the test; a read returns what is there, or end of stream when nothing is. */
  private static final class PipedBytes extends InputStream {
    private final java.util.ArrayDeque<Byte> bytes = new java.util.ArrayDeque<>();

    void add(byte[] data) {
      for (byte b : data) bytes.add(b);
    }

    @Override public int read() {
      Byte b = bytes.poll();
      return b == null ? -1 : b & 0xff;
    }

    @Override public int read(byte[] b, int off, int len) {
      if (bytes.isEmpty()) return -1;
      int n = 0;
      while (n < len && !bytes.isEmpty()) b[off + n++] = bytes.poll();
      return n;
    }
  }
}
