package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.barrier;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What goes over the wire: every JSON type, POJOs, generics, binary, unicode and size limits. */
@RealServer
class PayloadIntegrationTest {
  record Point(String name, int x, List<String> tags) {
  }

  record Blob(String label, byte[] data) {
  }

  record Named(String name, @Nullable String nick) {
  }

  private final SocketIoServer server;
  private final IntegrationSupport.RecordingErrorHandler errors = new IntegrationSupport.RecordingErrorHandler();
  private final Tether tether = Tether.builder().listenerErrorHandler(errors).build();

  PayloadIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() {
    tether.close();
  }

  private Socket connect(TransportMode mode) throws InterruptedException {
    return connected(tether.socket(server.url(), mode.options()));
  }

  private static byte[] bytes(int... values) {
    byte[] result = new byte[values.length];
    for (int i = 0; i < values.length; i++) result[i] = (byte) values[i];
    return result;
  }

  // ---- JSON types ------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aJsonValueAndAByteStringGoOutWithoutCopiesAndComeBackAsViews(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    JsonValue tick = JsonValue.parse("{\"type\":\"tick\",\"n\":[1,2,3]}");
    okio.ByteString blob = okio.ByteString.encodeUtf8("binary é");

    socket.emit("echo", tick, blob);
    socket.emit("echo", tick); // the same value again
    Event first = socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Event second = socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(first.jsonView(0)).isEqualTo(tick.element());
    assertThat(first.arg(1, okio.ByteString.class)).isEqualTo(blob);
    assertThat(first.arg(1, okio.ByteString.class)).as("a view, not a copy").isSameAs(first.arg(1, okio.ByteString.class));
    assertThat(second.jsonView(0)).isEqualTo(tick.element());
    // Relay what was received, as it is.
    socket.emit("echo", JsonValue.adopt(second.jsonView(0)));
    assertThat(socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS).jsonView(0)).isEqualTo(tick.element());
  }


  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void everyJsonTypeEchoesBackAsPlainJava(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("list", Arrays.asList(1, "two", Arrays.asList(3.5, null), new LinkedHashMap<>()));
    nested.put("object", Map.of("deep", Map.of("deeper", true)));
    nested.put("empty", new ArrayList<>());

    socket.emit("echo", "text", 5, 2.5, true, null, false, 0, "", nested, Arrays.asList(1, 2, 3));
    Event echo = socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(echo.size()).isEqualTo(10);
    assertThat(echo.arg(0)).isEqualTo("text");
    assertThat(echo.arg(1)).isInstanceOf(Long.class).isEqualTo(5L);
    assertThat(echo.arg(2)).isInstanceOf(Double.class).isEqualTo(2.5);
    assertThat(echo.arg(3)).isEqualTo(true);
    assertThat(echo.arg(4)).isNull();
    assertThat(echo.arg(5)).isEqualTo(false);
    assertThat(echo.arg(6)).isEqualTo(0L);
    assertThat(echo.arg(7)).isEqualTo("");
    Map<String, Object> expectedNested = new LinkedHashMap<>();
    expectedNested.put("list", Arrays.asList(1L, "two", Arrays.asList(3.5, null), Map.of()));
    expectedNested.put("object", Map.of("deep", Map.of("deeper", true)));
    expectedNested.put("empty", List.of());
    assertThat(echo.arg(8)).isEqualTo(expectedNested);
    assertThat(echo.arg(9)).isEqualTo(List.of(1L, 2L, 3L));
    assertThat(echo.json(8)).isEqualTo(JsonParser.parseString(
        "{\"list\":[1,\"two\",[3.5,null],{}],\"object\":{\"deep\":{\"deeper\":true}},\"empty\":[]}"));
    assertThat(echo.arg(10)).as("past the last argument").isNull();
    assertThat(echo.toList()).hasSize(10).containsSubsequence("text", 5L, 2.5, true);

    // Typed views of the same values.
    assertThat(echo.arg(1, Integer.class)).isEqualTo(5);
    assertThat(echo.arg(1, long.class)).isEqualTo(5L);
    assertThat(echo.arg(2, Double.class)).isEqualTo(2.5);
    assertThat(echo.arg(3, Boolean.class)).isTrue();
    assertThat(echo.arg(4, String.class)).isNull();
    assertThat(echo.arg(7, String.class)).isEmpty();
    assertThat(echo.isBinary(0)).isFalse();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aByteArrayChangedAfterEmitIsSentAsItWasAtTheEmit(TransportMode mode) throws Exception {
    Socket socket = tether.socket(server.url(), mode.options());
    byte[] reused = bytes(1, 2, 3);

    socket.emit("echo", (Object) reused); // buffered: not connected yet
    reused[0] = 9;
    connected(socket);
    Event echo = socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(echo.arg(0, byte[].class)).containsExactly(1, 2, 3);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aPojoIsBoundBackThroughArgAndATypedListener(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    List<Point> typed = new CopyOnWriteArrayList<>();
    socket.on("echo", Point.class, typed::add);
    Point point = new Point("p", 7, List.of("a", "é"));

    socket.emit("echo", point);
    Event echo = socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(echo.arg(0, Point.class)).isEqualTo(point);
    assertThat(echo.arg(0)).isEqualTo(Map.of("name", "p", "x", 7L, "tags", List.of("a", "é")));
    eventually().untilAsserted(() -> assertThat(typed).containsExactly(point));
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aGenericTypeBindsThroughATypeToken(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    Type listOfPoints = new TypeToken<List<Point>>() { }.getType();
    Type mapOfLists = new TypeToken<Map<String, List<Integer>>>() { }.getType();
    List<List<Point>> typed = new CopyOnWriteArrayList<>();
    socket.<List<Point>>on("echo", listOfPoints, typed::add);
    List<Point> points = List.of(new Point("a", 1, List.of()), new Point("b", 2, List.of("x")));

    socket.emit("echo", points, Map.of("k", List.of(1, 2)));
    Event echo = socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS);

    List<Point> bound = echo.arg(0, listOfPoints);
    assertThat(bound).containsExactlyElementsOf(points);
    Map<String, List<Integer>> map = echo.arg(1, mapOfLists);
    assertThat(map).containsExactly(Map.entry("k", List.of(1, 2)));
    eventually().untilAsserted(() -> assertThat(typed).containsExactly(points));
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aMultiArgumentEventIsSeenWholeByEventListenersOnAnyAndOnAnyOutgoing(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    List<String> order = new CopyOnWriteArrayList<>();
    AtomicReference<Event> byName = new AtomicReference<>();
    List<Event> any = new CopyOnWriteArrayList<>();
    List<Event> outgoing = new CopyOnWriteArrayList<>();
    socket.on("echo", event -> {
      byName.set(event);
      order.add("named");
    });
    socket.onAny(event -> {
      any.add(event);
      order.add("any:" + event.name());
    });
    socket.onAnyOutgoing(outgoing::add);

    socket.emit("echo", "a", 1, Map.of("b", 2), new byte[] {9});
    barrier(socket);

    Event event = byName.get();
    assertThat(event).isNotNull();
    assertThat(event.name()).isEqualTo("echo");
    assertThat(event.hasAck()).isFalse();
    assertThat(event.size()).isEqualTo(4);
    assertThat(event.arg(0, String.class)).isEqualTo("a");
    assertThat(event.arg(1, Integer.class)).isEqualTo(1);
    assertThat(event.arg(2)).isEqualTo(Map.of("b", 2L));
    assertThat(event.arg(3, byte[].class)).containsExactly(9);
    assertThat(any).extracting(Event::name).containsExactly("echo");
    assertThat(order).containsExactly("named", "any:echo");

    eventually().untilAsserted(() -> assertThat(outgoing).extracting(Event::name).containsExactly("echo", "ack"));
    Event sent = outgoing.get(0);
    assertThat(sent.size()).isEqualTo(4);
    assertThat(sent.arg(0)).isEqualTo("a");
    assertThat(sent.arg(1)).isEqualTo(1L);
    assertThat(sent.isBinary(3)).isTrue();
    assertThat(sent.arg(3, byte[].class)).containsExactly(9);
    assertThat(sent.hasAck()).isFalse();
    assertThat(errors.snapshot()).isEmpty();
  }

  // ---- null values ------------------------------------------------------------------------------

  /** {@code {"a":1,"n":null}}: a map with a null value (Map.of refuses null). */
  private static Map<String, Object> withNull() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("a", 1);
    map.put("n", null);
    return map;
  }

  @Test void aNullValueInAnEmittedMapReachesTheServerAsJsonNull() throws Exception {
    Socket socket = connect(TransportMode.POLLING);
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("inner", withNull());
    nested.put("list", Arrays.asList(withNull(), null));
    JsonObject tree = new JsonObject();
    tree.add("j", JsonNull.INSTANCE);

    socket.emit("echo", withNull(), nested, tree, new Named("x", null));
    Event echo = socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS);

    // The server's echo is what it received: the null members are there.
    assertThat(echo.json(0)).isEqualTo(JsonParser.parseString("{\"a\":1,\"n\":null}"));
    assertThat(echo.json(1)).isEqualTo(JsonParser.parseString(
        "{\"inner\":{\"a\":1,\"n\":null},\"list\":[{\"a\":1,\"n\":null},null]}"));
    assertThat(echo.json(2)).isEqualTo(JsonParser.parseString("{\"j\":null}"));
    assertThat(echo.json(3)).as("a POJO's null field is sent as null too")
        .isEqualTo(JsonParser.parseString("{\"name\":\"x\",\"nick\":null}"));
    Map<String, Object> plain = echo.arg(0, new TypeToken<Map<String, Object>>() { }.getType());
    assertThat(plain).containsEntry("n", null);
  }

  @Test void nullValuesSurviveWithAnApplicationGsonThatDoesNotSerializeNulls() throws Exception {
    Gson plain = new Gson();
    assertThat(plain.serializeNulls()).isFalse();
    try (Tether own = Tether.builder().gson(plain).build()) {
      Socket socket = connected(own.socket(server.url(), TransportMode.POLLING.options()));

      Args reply = socket.emitWithAck("ack", withNull()).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      assertThat(reply.json(0)).isEqualTo(JsonParser.parseString("{\"a\":1,\"n\":null}"));
    }
    assertThat(plain.serializeNulls()).as("the application's Gson is not modified").isFalse();
  }

  @Test void aNullValueInAnAckReplyReachesTheServerAsJsonNull() throws Exception {
    Socket socket = connect(TransportMode.POLLING);
    socket.on("question", event -> event.ack(withNull(), null));

    socket.emit("ask", "question");
    Event answered = socket.awaitEvent("answered", TIMEOUT_SECONDS, TimeUnit.SECONDS);

    // "answered" carries what the server's ack callback received.
    assertThat(answered.size()).isEqualTo(2);
    assertThat(answered.json(0)).isEqualTo(JsonParser.parseString("{\"a\":1,\"n\":null}"));
    assertThat(answered.json(1)).isEqualTo(JsonNull.INSTANCE);
  }

  @Test void aNullValueInTheAuthPayloadReachesTheServersHandshake() throws Exception {
    Socket socket = connected(tether.socket(server.url(), TransportMode.POLLING.builder().auth(withNull()).build()));

    Args handshake = socket.emitWithAck("handshake").await(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    // socket.handshake.auth, as the server's connection handler sees it.
    assertThat(handshake.json(0).getAsJsonObject().get("auth"))
        .isEqualTo(JsonParser.parseString("{\"a\":1,\"n\":null}"));
  }

  // ---- binary ----------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void binaryTravelsTopLevelAndNestedBothWays(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", "m");
    map.put("bytes", bytes(4, 5));
    List<Object> list = Arrays.asList(bytes(6), "between", bytes(7, 8));

    socket.emit("echo", bytes(1, 2, 3), new Blob("blob", bytes(0, 255, 128)), map, list, new byte[0],
        Map.of("only", bytes(11)));
    Event echo = socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(echo.isBinary(0)).isTrue();
    assertThat(echo.arg(0)).isEqualTo(bytes(1, 2, 3));
    assertThat(echo.arg(0, byte[].class)).containsExactly(1, 2, 3);
    Blob blob = echo.arg(1, Blob.class);
    assertThat(blob.label()).isEqualTo("blob");
    assertThat(blob.data()).containsExactly(0, 255 - 256, 128 - 256);
    Map<?, ?> echoedMap = (Map<?, ?>) echo.arg(2);
    assertThat(echoedMap.get("name")).isEqualTo("m");
    assertThat((byte[]) echoedMap.get("bytes")).containsExactly(4, 5);
    List<?> echoedList = (List<?>) echo.arg(3);
    assertThat(echoedList).hasSize(3);
    assertThat((byte[]) echoedList.get(0)).containsExactly(6);
    assertThat(echoedList.get(1)).isEqualTo("between");
    assertThat((byte[]) echoedList.get(2)).containsExactly(7, 8);
    assertThat(echo.isBinary(4)).as("an empty byte array is binary").isTrue();
    assertThat(echo.arg(4, byte[].class)).isEmpty();
    Map<String, byte[]> typedMap = echo.arg(5, new TypeToken<Map<String, byte[]>>() { }.getType());
    assertThat(typedMap.get("only")).containsExactly(11);

    socket.emit("emit-binary", 3000);
    Event binary = socket.awaitEvent("binary", TIMEOUT_SECONDS, TimeUnit.SECONDS);
    byte[] data = binary.arg(0, byte[].class);
    assertThat(data).hasSize(3000);
    for (int i = 0; i < data.length; i++) assertThat(data[i] & 0xff).isEqualTo(i % 256);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void tenAttachmentsAreSentAndAnEleventhIsRejectedAtEmit(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    Object[] ten = new Object[10];
    for (int i = 0; i < ten.length; i++) ten[i] = bytes(i);
    Args reply = socket.emitWithAck("ack", ten).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(reply.size()).isEqualTo(10);
    for (int i = 0; i < 10; i++) assertThat(reply.arg(i, byte[].class)).containsExactly(i);

    Object[] eleven = Arrays.copyOf(ten, 11);
    eleven[10] = Map.of("nested", bytes(10));
    assertThatThrownBy(() -> socket.emit("echo", eleven)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10");
    assertThatThrownBy(() -> socket.emitWithAck("ack", eleven)).isInstanceOf(IllegalArgumentException.class);
    assertThat(socket.emitWithAck("ack", "still up").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
        .isEqualTo("still up");
  }

  // ---- text ------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void unicodeAndALoneSurrogateRoundTrip(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    String text = "é€😀 \u2028 \"quoted\" \\ \n\t";
    String lone = "a\uD800b\uDC00c";

    Args reply = socket.emitWithAck("ack", text, lone, Map.of("ключ", "值")).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(reply.arg(0, String.class)).isEqualTo(text);
    assertThat(reply.arg(1, String.class)).isEqualTo(lone);
    assertThat(reply.arg(2)).isEqualTo(Map.of("ключ", "值"));
    socket.emit("echo", text);
    assertThat(socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aPayloadJustUnderMaxHttpBufferSizeEchoesAndOneOverItFailsWithoutClosingTheConnection(TransportMode mode)
      throws Exception {
    Socket socket = connect(mode);
    String big = "x".repeat(990_000);
    Args reply = socket.emitWithAck("ack", big).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(reply.arg(0, String.class)).hasSize(990_000).isEqualTo(big);

    String tooBig = "y".repeat(1_000_001);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    socket.emitWithAck("ack", tooBig).then(args -> failure.set(new AssertionError("acked: " + args)), failure::set);
    eventually().untilAsserted(() -> assertThat(failure.get()).isNotNull());
    assertThat(failure.get()).isInstanceOfSatisfying(TransportException.class,
        e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.PAYLOAD_TOO_LARGE));
    assertThatThrownBy(() -> socket.emitWithAck("ack", tooBig).await(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(TransportException.class,
            e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.PAYLOAD_TOO_LARGE))
        .isInstanceOf(TetherException.class); // one root for every Tether exception

    assertThat(socket.isConnected()).isTrue();
    assertThat(socket.emitWithAck("ack", "after").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("after");
  }

  @Test void aPlainEmitThatIsTooLargeReachesOnEmitErrorAndTheConnectionStaysUp() throws Exception {
    Socket socket = connect(TransportMode.POLLING);
    List<EmitError> emitErrors = new CopyOnWriteArrayList<>();
    socket.onEmitError(emitErrors::add);
    socket.emit("echo", "z".repeat(1_000_001));
    eventually().untilAsserted(() -> assertThat(emitErrors).hasSize(1));
    EmitError failure = emitErrors.get(0);
    assertThat(failure.event()).isEqualTo("echo");
    assertThat(failure.args().arg(0, String.class)).hasSize(1_000_001);
    assertThat(failure.cause()).isInstanceOfSatisfying(TransportException.class,
        e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.PAYLOAD_TOO_LARGE));
    assertThat(errors.snapshot()).as("no listener threw").isEmpty();
    assertThat(socket.emitWithAck("ack", 1).await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo(1L);
  }

  // ---- names -----------------------------------------------------------------------------------

  @Test void reservedEventNamesAreRejectedAtEmit() throws Exception {
    Socket socket = connect(TransportMode.POLLING);
    for (String reserved : List.of("connect", "connect_error", "disconnect", "disconnecting", "newListener",
        "removeListener")) {
      assertThatThrownBy(() -> socket.emit(reserved, "x")).as(reserved)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reserved);
      assertThatThrownBy(() -> socket.emitWithAck(reserved)).as(reserved)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(socket.emitWithAck("ack", "alive").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("alive");
    assertThat(socket.isConnected()).isTrue();
  }
}
