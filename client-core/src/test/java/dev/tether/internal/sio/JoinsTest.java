package dev.tether.internal.sio;

import static dev.tether.internal.sio.SioTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tether.DisconnectReason;
import dev.tether.ServerClose;
import dev.tether.Socket;
import dev.tether.Transport;
import dev.tether.TransportException;
import dev.tether.internal.engine.EnginePacket;
import dev.tether.internal.wire.Connection;
import dev.tether.internal.wire.IncomingEvent;
import dev.tether.internal.wire.Payload;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The per-dialect join rules, on a fake connection: what is sent, and what the listener hears. */
class JoinsTest {
  private final List<String> sent = new ArrayList<>();
  private final List<String> heard = new ArrayList<>();
  private final Queue<Runnable> posted = new ArrayDeque<>();
  private final List<IncomingEvent> events = new ArrayList<>();

  private final Joins.Host host = new Joins.Host() {
    @Override public void send(SioPacket packet) {
      List<EnginePacket> encoded = SocketIoV4.INSTANCE.encode(packet);
      sent.add(encoded.get(0).text());
    }

    @Override public Connection.Listener listener() {
      return listener;
    }

    @Override public String engineSid() {
      return "SID";
    }

    @Override public void post(Runnable task) {
      posted.add(task);
    }
  };

  private final Connection.Listener listener = new Connection.Listener() {
    @Override public void onOpen() { }

    @Override public void onJoined(String namespace, @Nullable String id, @Nullable String pid) {
      heard.add("joined " + namespace + " id=" + id + " pid=" + pid);
    }

    @Override public void onJoinRefused(String namespace, String message, @Nullable JsonElement data) {
      heard.add("refused " + namespace + ": " + message + " data=" + data);
    }

    @Override public void onKicked(String namespace) {
      heard.add("kicked " + namespace);
    }

    @Override public void onEvent(IncomingEvent event) {
      events.add(event);
      heard.add("event " + event.namespace + " " + event.name + " " + event.args);
    }

    @Override public void onAck(String namespace, long ackId, Payload args) { }

    @Override public void onUpgrade(Transport transport) { }

    @Override public void onUpgradeFailed(TransportException error) { }

    @Override public void onOpenFailed(TransportException error) { }

    @Override public void onServerClose(ServerClose close) { }

    @Override public void onClosed(DisconnectReason reason, @Nullable TransportException cause) { }

    @Override public void onWritten(List<Object> tags) { }

    @Override public void onWritable() { }

    @Override public void onUnsent(List<Object> tags) { }
  };

  private void runPosted() {
    while (!posted.isEmpty()) posted.poll().run();
  }

  private static JsonObject auth(String json) {
    return json(json).getAsJsonObject();
  }

  @Test
  void v4RootIsJoinedByTheServerAndNeverAskedFor() throws Exception {
    Joins joins = Joins.FOR_V4.create(host);
    joins.onConnect("/", null); // the server's unprompted 0, e.g. in the handshake body
    joins.join("/", null, null);
    assertThat(heard).isEmpty(); // never from inside the caller
    runPosted();
    assertThat(sent).isEmpty();
    assertThat(heard).containsExactly("joined / id=SID pid=null");
  }

  @Test
  void v4RootAskedForBeforeTheServersConnectIsAnsweredByIt() throws Exception {
    Joins joins = Joins.FOR_V4.create(host);
    joins.join("/", null, null);
    runPosted();
    assertThat(heard).isEmpty();
    joins.onConnect("/", null);
    assertThat(sent).isEmpty();
    assertThat(heard).containsExactly("joined / id=SID pid=null");
  }

  @Test
  void v4CustomNamespaceSendsItsAuthAsAnEncodedQueryAndDerivesItsId() throws Exception {
    Joins joins = Joins.FOR_V4.create(host);
    joins.join("/chat", auth("{\"token\":\"a,b\",\"user name\":\"€ +\"}"), null);
    joins.join("/plain", null, null);
    assertThat(sent).containsExactly("0/chat?token=a%2Cb&user%20name=%E2%82%AC%20%2B,", "0/plain,");
    joins.onConnect("/chat", null);
    joins.onConnect("/chat", null); // a repeated reply is not a second join
    assertThat(heard).containsExactly("joined /chat id=/chat#SID pid=null");
  }

  @Test
  void v4AuthWithNonStringValuesOrOnRootRefusesTheJoinClearly() throws Exception {
    Joins joins = Joins.FOR_V4.create(host);
    joins.join("/chat", auth("{\"n\":1}"), null);
    joins.join("/", auth("{\"token\":\"x\"}"), null);
    runPosted();
    assertThat(sent).isEmpty();
    assertThat(heard).hasSize(2);
    assertThat(heard.get(0)).startsWith("refused /chat: ").contains("\"n\" is a number");
    assertThat(heard.get(1)).startsWith("refused /: ").contains("SocketOptions.query");
  }

  @Test
  void v4ErrorWhileJoiningRefusesTheJoinWithTheServersPayload() throws Exception {
    Joins joins = Joins.FOR_V4.create(host);
    joins.join("/secure", auth("{\"token\":\"bad\"}"), null);
    joins.join("/other", null, null);
    joins.join("/nope", null, null);
    joins.onError("/secure", json("\"not authorized\""), 20);
    joins.onError("/other", json("{\"reason\":\"bad token\"}"), 20);
    joins.onError("/nope", json("{\"message\":\"Invalid namespace\"}"), 20);
    assertThat(heard).containsExactly(
        "refused /secure: not authorized data=\"not authorized\"",
        "refused /other: the server refused the namespace data={\"reason\":\"bad token\"}",
        "refused /nope: Invalid namespace data={\"message\":\"Invalid namespace\"}");
  }

  @Test
  void v4ErrorAfterTheJoinIsAServerErrorEventAndTheSocketStaysJoined() throws Exception {
    Joins joins = Joins.FOR_V4.create(host);
    joins.join("/chat", null, null);
    joins.onConnect("/chat", null);
    joins.onError("/chat", json("\"event refused\""), 18);
    assertThat(heard).containsExactly("joined /chat id=/chat#SID pid=null",
        "event /chat " + Socket.SERVER_ERROR + " [\"event refused\"]");
    assertThat(events.get(0).wireBytes).isEqualTo(18);
    assertThat(events.get(0).ackId).isNull();
    joins.onError("/unknown", json("\"x\""), 5); // not ours: ignored
    assertThat(heard).hasSize(2);
  }

  @Test
  void v4ErrorForRootConcernsEveryNamespace() throws Exception {
    Joins joins = Joins.FOR_V4.create(host);
    joins.join("/joined", null, null);
    joins.onConnect("/joined", null);
    joins.join("/", null, null);
    joins.join("/waiting", null, null);
    runPosted();
    heard.clear();
    joins.onError("/", json("\"root not authorized\""), 22);
    assertThat(heard).containsExactly(
        "refused /: root not authorized data=\"root not authorized\"",
        "refused /waiting: root not authorized (the server refused \"/\", which every namespace of a socket.io 2.x "
            + "connection depends on) data=\"root not authorized\"",
        "event /joined " + Socket.SERVER_ERROR + " [\"root not authorized\"]");
  }

  @Test
  void v4LeavingRootSendsNothingAndItCanBeJoinedAgain() throws Exception {
    Joins joins = Joins.FOR_V4.create(host);
    joins.onConnect("/", null);
    joins.join("/", null, null);
    runPosted();
    assertThat(joins.leave("/")).isFalse();
    assertThat(joins.leave("/chat")).isTrue();
    joins.join("/", null, null);
    runPosted();
    assertThat(heard).containsExactly("joined / id=SID pid=null", "joined / id=SID pid=null");
  }

  @Test
  void v4KickAndNoRecovery() throws Exception {
    Joins joins = Joins.FOR_V4.create(host);
    joins.join("/chat", null, new Connection.Recovery("pid", "off"));
    assertThat(sent).containsExactly("0/chat,"); // nothing of the recovery is sent
    joins.onConnect("/chat", null);
    JsonArray args = new JsonArray();
    args.add("offset-like");
    assertThat(joins.offset("/chat", args, null)).isNull();
    joins.onDisconnect("/chat");
    assertThat(heard).containsExactly("joined /chat id=/chat#SID pid=null", "kicked /chat");
    joins.onError("/chat", json("\"late\""), 1); // no longer joined: ignored
    assertThat(heard).hasSize(2);
  }

  @Test
  void v5ReplyWithoutSidNamesTheDialectToUse() throws Exception {
    Joins joins = Joins.FOR_V5.create(host);
    joins.onConnect("/", null);
    assertThat(heard).singleElement().asString().contains("socket.io 2.x").contains("dialect(Dialect.SOCKET_IO_2)");
  }

  @Test
  void queryEncodingRefusesNonStrings() {
    assertThat(Joins.V4.query(null)).isEmpty();
    assertThat(Joins.V4.query(auth("{\"a\":\"1\",\"b\":\"x&y=z\"}"))).isEqualTo("a=1&b=x%26y%3Dz");
    assertThatThrownBy(() -> Joins.V4.query(auth("{\"a\":{\"b\":\"c\"}}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a\" is an object");
  }
}
