package dev.tether.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okio.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The behaviours of ws-server.js, seen by a plain OkHttp WebSocket client, and @RealWsServer. */
@RealWsServer
class RealWsServerTest {

    static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .readTimeout(0, TimeUnit.MILLISECONDS)
            .build();

    private static WsServer fromBeforeAll;
    private final WsServer fromConstructor;
    private final String tag;

    RealWsServerTest(WsServer server, TestInfo test) {
        this.fromConstructor = server;
        this.tag = test.getTestMethod().orElseThrow().getName();
    }

    @BeforeAll
    static void beforeAll(WsServer server) {
        fromBeforeAll = server;
    }

    @AfterAll
    static void shutDownOkHttp() {
        HTTP.dispatcher().executorService().shutdown();
        HTTP.connectionPool().evictAll();
    }

    static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    @Test
    void everyInjectionPointGetsTheSameServer(WsServer server) {
        assertThat(server).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
        assertThat(server.isAlive()).isTrue();
        assertThat(server.url()).isEqualTo("ws://127.0.0.1:" + server.port());
        assertThat(server.url("/raw?tag=x")).isEqualTo("ws://127.0.0.1:" + server.port() + "/raw?tag=x");
        assertThat(server.output()).contains(WsServer.LISTENING_PREFIX + server.port());
    }

    @Test
    void rawEchoesTextAsTextAndBinaryAsBinary(WsServer server) throws Exception {
        WsClient client = WsClient.open(HTTP, server.url("/raw?tag=" + tag));
        String text = "héllo wörld — 世界 🚀 ünïcödé";
        ByteString bytes = ByteString.of((byte) 0, (byte) 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF);

        client.send(text);
        client.send(bytes);

        assertThat(client.nextText()).isEqualTo(text);
        assertThat(client.nextBinary()).isEqualTo(bytes);
        List<WsServer.Connection> connections = server.connections(tag);
        assertThat(connections).hasSize(1);
        WsServer.Connection connection = connections.get(0);
        assertThat(connection.path()).isEqualTo("/raw");
        assertThat(connection.open()).isTrue();
        assertThat(connection.texts()).containsExactly(text);
        assertThat(connection.received()).extracting(WsServer.Frame::binary).containsExactly(false, true);
        assertThat(connection.textFrames()).isEqualTo(1);
        assertThat(connection.binaryFrames()).isEqualTo(1);
        assertThat(connection.bytes()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length + 5);
        client.webSocket.close(1000, null);
    }

    @Test
    void rawCommandsSayBigAndBurst(WsServer server) throws Exception {
        WsClient client = WsClient.open(HTTP, server.url("/raw?tag=" + tag));

        client.send("say:from the server");
        client.send("big:70000");
        client.send("bigbin:100000");
        client.send("burst:3");

        assertThat(client.nextText()).isEqualTo("from the server");
        assertThat(client.nextText()).hasSize(70_000).containsOnlyOnce("x".repeat(70_000));
        ByteString big = client.nextBinary();
        assertThat(big.size()).isEqualTo(100_000);
        assertThat(big.getByte(0)).isEqualTo((byte) 0);
        assertThat(big.getByte(99_999)).isEqualTo((byte) (99_999 % 256));
        assertThat(List.of(client.nextText(), client.nextText(), client.nextText()))
                .containsExactly("burst 0", "burst 1", "burst 2");
        client.webSocket.close(1000, null);
    }

    @Test
    void closeCommandClosesWithThatCodeAndReason(WsServer server) throws Exception {
        WsClient client = WsClient.open(HTTP, server.url("/raw?tag=" + tag));

        client.send("close:4001:unauthorized");

        assertThat(client.awaitClosing()).isEqualTo(new WsClient.Close(4001, "unauthorized"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            WsServer.Connection connection = server.connections(tag).get(0);
            assertThat(connection.open()).isFalse();
            assertThat(connection.closedByServer()).isTrue();
            assertThat(connection.serverCloseCode()).isEqualTo(4001);
            assertThat(connection.serverCloseReason()).isEqualTo("unauthorized");
            assertThat(connection.closeCode()).isEqualTo(4001); // the client's answer
        });
    }

    @Test
    void anInvalidCloseCodeIsReportedNotSent(WsServer server) throws Exception {
        WsClient client = WsClient.open(HTTP, server.url("/raw?tag=" + tag));

        client.send("close:1005:nope");
        client.send("still open");

        assertThat(client.nextText()).startsWith("invalid close: ");
        assertThat(client.nextText()).isEqualTo("still open");
        client.webSocket.close(1000, null);
    }

    @Test
    void theClientsCloseFrameIsRecorded(WsServer server) throws Exception {
        WsClient client = WsClient.open(HTTP, server.url("/raw?tag=" + tag));

        client.webSocket.close(1000, "bye");

        assertThat(client.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            WsServer.Connection connection = server.connections(tag).get(0);
            assertThat(connection.open()).isFalse();
            assertThat(connection.closeCode()).isEqualTo(1000);
            assertThat(connection.closeReason()).isEqualTo("bye");
            assertThat(connection.closedByServer()).isFalse();
            assertThat(connection.serverCloseCode()).isNull();
        });
    }

    @Test
    void envelopeJoinIsAnsweredWithHello(WsServer server) throws Exception {
        WsClient client = WsClient.open(HTTP, server.url("/envelope?tag=" + tag));

        client.send("{\"name\":\"join\",\"data\":{\"room\":\"general\"}}");

        assertThat(json(client.nextText()))
                .isEqualTo(json("{\"name\":\"hello\",\"data\":{\"a\":\"123\",\"b\":\"234\"}}"));
        client.webSocket.close(1000, null);
    }

    @Test
    void envelopeEchoAckAndNoack(WsServer server) throws Exception {
        WsClient client = WsClient.open(HTTP, server.url("/envelope?tag=" + tag));

        client.send("{\"name\":\"noack\",\"data\":1,\"id\":1}");
        client.send("{\"name\":\"ack\",\"data\":{\"n\":2},\"id\":2}");
        client.send("{\"name\":\"echo\",\"data\":[\"é\",3]}");
        client.send("{\"name\":\"emit\",\"data\":{\"name\":\"news\",\"data\":\"hi\"}}");

        // Frames are handled in order: had noack been answered, its answer would come first.
        assertThat(json(client.nextText())).isEqualTo(json("{\"name\":\"ack\",\"data\":{\"n\":2},\"id\":2}"));
        assertThat(json(client.nextText())).isEqualTo(json("{\"name\":\"echo\",\"data\":[\"é\",3]}"));
        assertThat(json(client.nextText())).isEqualTo(json("{\"name\":\"news\",\"data\":\"hi\"}"));
        assertThat(server.connections(tag).get(0).texts()).hasSize(4);
        client.webSocket.close(1000, null);
    }

    @Test
    void aLateAckComesAfterTheAnswersToLaterFrames(WsServer server) throws Exception {
        WsClient client = WsClient.open(HTTP, server.url("/envelope?tag=" + tag));
        WsClient other = WsClient.open(HTTP, server.url("/envelope?tag=" + tag));

        client.send("{\"name\":\"lateack\",\"data\":{\"ms\":200},\"id\":\"late\"}");
        client.send("{\"name\":\"broadcast\",\"data\":\"to all\"}");
        client.send("{\"name\":\"big\",\"data\":3}");

        assertThat(json(client.nextText())).isEqualTo(json("{\"name\":\"broadcast\",\"data\":\"to all\"}"));
        assertThat(json(other.nextText())).isEqualTo(json("{\"name\":\"broadcast\",\"data\":\"to all\"}"));
        assertThat(json(client.nextText())).isEqualTo(json("{\"name\":\"big\",\"data\":\"xxx\"}"));
        assertThat(json(client.nextText()))
                .isEqualTo(json("{\"name\":\"ack\",\"data\":{\"ms\":200},\"id\":\"late\"}"));
        client.webSocket.close(1000, null);
        other.webSocket.close(1000, null);
    }

    @Test
    void unparsableFramesAreAnsweredAndTheConnectionStays(WsServer server) throws Exception {
        WsClient client = WsClient.open(HTTP, server.url("/envelope?tag=" + tag));

        client.send("not json at all");
        client.send("[1,2]");
        client.send("{\"data\":\"no name\"}");
        client.send(ByteString.of((byte) 0xC3, (byte) 0x28)); // not even UTF-8
        client.send("{\"name\":\"join\"}");

        for (int i = 0; i < 4; i++) {
            assertThat(client.nextText()).isEqualTo("unparsable");
        }
        assertThat(json(client.nextText()).get("name").getAsString()).isEqualTo("hello");
        assertThat(server.isAlive()).isTrue();
        client.webSocket.close(1000, null);
    }

    @Test
    void kickClosesWith4001(WsServer server) throws Exception {
        WsClient client = WsClient.open(HTTP, server.url("/envelope?tag=" + tag));

        client.send("{\"name\":\"kick\"}");

        assertThat(client.awaitClosing()).isEqualTo(new WsClient.Close(4001, "kicked"));
    }

    @Test
    void pushAndBroadcastReachEveryOpenConnectionOfThePath(WsServer server) throws Exception {
        WsClient first = WsClient.open(HTTP, server.url("/raw?tag=" + tag));
        WsClient second = WsClient.open(HTTP, server.url("/raw?tag=" + tag));

        assertThat(server.push("/raw", "from java")).isGreaterThanOrEqualTo(2);
        first.send("push:from a client");

        for (WsClient client : List.of(first, second)) {
            assertThat(client.nextText()).isEqualTo("from java");
            assertThat(client.nextText()).isEqualTo("from a client");
        }
        first.webSocket.close(1000, null);
        second.webSocket.close(1000, null);
    }

    @Test
    void handshakeReportsTheUpgradeRequest(WsServer server) throws Exception {
        WsClient client = WsClient.connect(HTTP, server.url("/handshake?tag=" + tag + "&x=1"),
                Map.of("X-Token", "abc", "Sec-WebSocket-Protocol", "v2, v1"));
        client.awaitOpen();

        JsonObject handshake = json(client.nextText());

        assertThat(handshake.get("path").getAsString()).isEqualTo("/handshake");
        assertThat(handshake.get("query").getAsString()).isEqualTo("tag=" + tag + "&x=1");
        assertThat(handshake.get("protocol").getAsString()).isEqualTo("v2");
        assertThat(handshake.getAsJsonObject("headers").get("x-token").getAsString()).isEqualTo("abc");
        assertThat(server.connections(tag).get(0).headers()).containsEntry("x-token", "abc");
        client.send("then raw");
        assertThat(client.nextText()).isEqualTo("then raw");
        client.webSocket.close(1000, null);
    }

    @Test
    void refusedUpgradesFailTheHandshakeWithTheirStatus(WsServer server) throws Exception {
        WsClient rejected = WsClient.connect(HTTP, server.url("/reject/401"));
        WsClient unknown = WsClient.connect(HTTP, server.url("/nowhere"));

        assertThat(rejected.awaitFailure()).isNotNull();
        assertThat(rejected.failureResponse.get(10, TimeUnit.SECONDS).code()).isEqualTo(401);
        assertThat(unknown.awaitFailure()).isNotNull();
        assertThat(unknown.failureResponse.get(10, TimeUnit.SECONDS).code()).isEqualTo(404);
    }

    @Test
    void hangNeverAnswersTheUpgrade(WsServer server) throws Exception {
        OkHttpClient impatient = HTTP.newBuilder().readTimeout(300, TimeUnit.MILLISECONDS).build();

        WsClient client = WsClient.connect(impatient, server.url("/hang"));

        assertThat(client.awaitFailure()).isInstanceOf(SocketTimeoutException.class);
        assertThat(client.opened).isNotDone();
    }

    @Test
    void closeAllSendsTheCloseFrameToEveryone() throws Exception {
        // closeAll reaches every connection of the shared server: only this class's tests use it,
        // and each of them closes its own connections, so this one runs in a server of its own.
        try (WsServer own = WsServer.start()) {
            WsClient client = WsClient.open(HTTP, own.url("/raw"));
            assertThat(own.closeAll(1001, "going away")).isEqualTo(1);
            assertThat(client.awaitClosing()).isEqualTo(new WsClient.Close(1001, "going away"));

            WsClient dropped = WsClient.open(HTTP, own.url("/silent"));
            assertThat(own.dropAll()).isEqualTo(1);
            assertThat(dropped.awaitFailure()).isNotNull();
            assertThat(dropped.closing).isNotDone();
        }
    }

    @Nested
    @RealWsServer("{\"greet\":\"welcome aboard\",\"nameKey\":\"event\",\"dataKey\":\"payload\",\"idKey\":\"cid\"}")
    class WithOptions {

        @Test
        void getsItsOwnServer(WsServer server) {
            assertThat(server).isNotSameAs(fromBeforeAll);
            assertThat(json(server.options()).get("nameKey").getAsString()).isEqualTo("event");
        }

        @Test
        void greetsRawClients(WsServer server) throws Exception {
            WsClient client = WsClient.open(HTTP, server.url("/raw"));

            assertThat(client.nextText()).isEqualTo("welcome aboard");
            client.webSocket.close(1000, null);
        }

        @Test
        void envelopesUseTheConfiguredKeys(WsServer server) throws Exception {
            WsClient client = WsClient.open(HTTP, server.url("/envelope"));
            assertThat(json(client.nextText()))
                    .isEqualTo(json("{\"event\":\"welcome\",\"payload\":\"welcome aboard\"}"));

            client.send("{\"event\":\"join\"}");
            client.send("{\"event\":\"ack\",\"payload\":true,\"cid\":\"c-7\"}");
            client.send("{\"name\":\"join\"}"); // the default key is not a name here

            assertThat(json(client.nextText()))
                    .isEqualTo(json("{\"event\":\"hello\",\"payload\":{\"a\":\"123\",\"b\":\"234\"}}"));
            assertThat(json(client.nextText()))
                    .isEqualTo(json("{\"event\":\"ack\",\"payload\":true,\"cid\":\"c-7\"}"));
            assertThat(client.nextText()).isEqualTo("unparsable");
            client.webSocket.close(1000, null);
        }
    }

    @Nested
    class NestedWithoutAnnotation {
        @Test
        void sharesTheEnclosingServer(WsServer server) {
            assertThat(server).isSameAs(fromBeforeAll);
        }
    }
}
