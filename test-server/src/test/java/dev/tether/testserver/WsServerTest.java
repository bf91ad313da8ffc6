package dev.tether.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** WsServer's lifecycle (stop, restart on the same port, freeze, close) and its options. */
class WsServerTest {

    static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(0, TimeUnit.MILLISECONDS).build();

    @AfterAll
    static void shutDownOkHttp() {
        HTTP.dispatcher().executorService().shutdown();
        HTTP.connectionPool().evictAll();
    }

    @Test
    void restartsOnTheSamePortWithTheSameOptions() throws Exception {
        try (WsServer server = WsServer.start("{\"greet\":\"hi\"}")) {
            int port = server.port();
            long firstPid = server.pid();
            WsClient before = WsClient.open(HTTP, server.url("/raw"));
            assertThat(before.nextText()).isEqualTo("hi");

            server.stop();

            assertThat(server.isAlive()).isFalse();
            assertThat(before.awaitFailure()).isNotNull(); // no close frame: the process is gone
            assertThatThrownBy(() -> connectTcp(port)).isInstanceOf(ConnectException.class);

            server.restart();

            assertThat(server.isAlive()).isTrue();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.pid()).isNotEqualTo(firstPid);
            WsClient after = WsClient.open(HTTP, "ws://127.0.0.1:" + port + "/raw");
            assertThat(after.nextText()).isEqualTo("hi");
            after.send("again");
            assertThat(after.nextText()).isEqualTo("again");
            assertThat(server.connections()).hasSize(1); // a new process records anew
            assertThat(server.output()).contains("[tether: restarting on port " + port + "]");

            server.restart(); // also while running
            assertThat(after.awaitFailure()).isNotNull();
            assertThat(WsClient.open(HTTP, server.url("/raw")).nextText()).isEqualTo("hi");
        }
    }

    @Test
    void aFrozenServerAnswersNothingUntilThawed() throws Exception {
        try (WsServer server = WsServer.start()) {
            WsClient open = WsClient.open(HTTP, server.url("/raw"));

            server.freeze();
            assertThat(server.isFrozen()).isTrue();
            open.send("while frozen");
            WsClient connecting = WsClient.connect(HTTP, server.url("/raw"));

            // Nothing can come back from a stopped process; give it a fair chance to show otherwise.
            assertThat(open.messages.poll(300, TimeUnit.MILLISECONDS)).isNull();
            assertThat(connecting.opened).isNotDone();

            server.thaw();

            assertThat(server.isFrozen()).isFalse();
            assertThat(open.nextText()).isEqualTo("while frozen");
            connecting.awaitOpen();
            connecting.send("thawed");
            assertThat(connecting.nextText()).isEqualTo("thawed");
        }
    }

    @Test
    void closingAFrozenServerEndsIt() throws Exception {
        WsServer server = WsServer.start();
        int port = server.port();
        server.freeze();

        server.close();
        server.close(); // idempotent

        assertThat(server.isAlive()).isFalse();
        assertThatThrownBy(() -> connectTcp(port)).isInstanceOf(ConnectException.class);
        assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(server.toString()).contains("closed");
    }

    @Test
    void withoutAutoPongTheClientsPingsGoUnanswered() throws Exception {
        OkHttpClient pinging = HTTP.newBuilder().pingInterval(Duration.ofMillis(100)).build();
        try (WsServer deaf = WsServer.start("{\"autoPong\":false}");
                WsServer answering = WsServer.start()) {
            WsClient unanswered = WsClient.open(pinging, deaf.url("/silent"));
            WsClient answered = WsClient.open(pinging, answering.url("/silent"));

            assertThat(unanswered.awaitFailure()).isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("didn't receive pong");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> answering.connections().get(0).pings() >= 3);
            assertThat(answered.failure).isNotDone();
            assertThat(deaf.connections().get(0).pings()).isPositive();
            answered.webSocket.close(1000, null);
        }
    }

    @Test
    void serverPingsTicksAndMaxPayloadOptions() throws Exception {
        try (WsServer server = WsServer.start("{\"pingEveryMs\":50,\"tickEveryMs\":50,\"maxPayload\":1000}")) {
            WsClient client = WsClient.open(HTTP, server.url("/raw"));

            assertThat(client.nextText()).isEqualTo("tick 1");
            assertThat(client.nextText()).isEqualTo("tick 2");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connections().get(0).pongs() >= 2);

            client.send("y".repeat(1001));
            assertThat(client.awaitClosing().code()).isEqualTo(1009); // message too big
        }
    }

    @Test
    void rejectsUnknownOptionsAndOptionsThatAreNotAnObject() {
        assertThatThrownBy(() -> WsServer.start("{\"gret\":\"hi\"}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited before listening")
                .hasMessageContaining("unknown option gret");
        assertThatThrownBy(() -> WsServer.start("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WsServer.start("{}", 70000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStoppedServerCanBeStoppedAgainButNotFrozen() {
        try (WsServer server = WsServer.start()) {
            server.stop();
            server.stop(); // nothing to do
            assertThatThrownBy(server::freeze).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stopped");
            assertThat(server.toString()).contains("stopped");
        }
    }

    private static void connectTcp(int port) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        }
    }
}
