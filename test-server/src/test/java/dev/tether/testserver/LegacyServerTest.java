package dev.tether.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The socket.io 2.x server ({@link SocketIoServer#startV2}) and 4.x with {@code allowEIO3}. */
class LegacyServerTest {
    /** A v3 polling body: {@code <length>:0{...}} and, on 2.x, the root CONNECT {@code 2:40}. */
    private static final Pattern OPEN = Pattern.compile("^(\\d+):(0\\{[^}]*\\})(.*)$");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // the default offers h2c, which engine.io refuses
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    static String eio3Handshake(SocketIoServer server) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(server.url() + "/socket.io/?EIO=3&transport=polling&t=probe"))
                .timeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void theV2ServerAnswersAnEio3PollingHandshakeWithALengthPrefixedOpenPacketAndTheRootConnect()
            throws Exception {
        try (SocketIoServer server = SocketIoServer.startV2("{\"pingInterval\":1234}")) {
            String body = eio3Handshake(server);
            Matcher open = OPEN.matcher(body);
            assertThat(open.matches()).as(body).isTrue();
            assertThat(Integer.parseInt(open.group(1))).isEqualTo(open.group(2).length());
            assertThat(open.group(2)).contains("\"pingInterval\":1234").doesNotContain("maxPayload");
            assertThat(open.group(3)).isEqualTo("2:40");
        }
    }

    @Test
    void theV2ServerRestartsOnTheSamePort() throws Exception {
        SocketIoServer first = SocketIoServer.startV2("{}");
        int port = first.port();
        eio3Handshake(first);
        first.close();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            }
        }).isInstanceOf(ConnectException.class);

        try (SocketIoServer second = SocketIoServer.startV2("{}", port)) {
            assertThat(second.port()).isEqualTo(port);
            assertThat(eio3Handshake(second)).matches(OPEN);
        }
    }

    @Test
    void theV2ServerRejectsOptionsThatAreNotAJsonObject() {
        assertThatThrownBy(() -> SocketIoServer.startV2("[1]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theV4ServerWithAllowEio3AnswersAnEio3HandshakeWithMaxPayloadAndNoRootConnect() throws Exception {
        try (SocketIoServer server = SocketIoServer.start("{\"allowEIO3\":true}")) {
            String body = eio3Handshake(server);
            Matcher open = OPEN.matcher(body);
            assertThat(open.matches()).as(body).isTrue();
            assertThat(Integer.parseInt(open.group(1))).isEqualTo(open.group(2).length());
            assertThat(open.group(2)).contains("\"maxPayload\":1000000");
            assertThat(open.group(3)).isEmpty();
        }
    }

    @Nested
    @RealServer(value = "{\"pingTimeout\":4321}", version = RealServer.Version.SOCKET_IO_2)
    class WithRealServerAnnotation {
        @Test
        void injectsTheV2Server(SocketIoServer server) throws Exception {
            assertThat(eio3Handshake(server)).contains("\"pingTimeout\":4321").endsWith("2:40");
        }
    }
}
