package dev.tether.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@RealServer("{\"pingInterval\":300}")
class RealServerTest {

    // HTTP/1.1: the default (HTTP/2) makes HttpClient send "Upgrade: h2c", which engine.io takes
    // for a failed WebSocket upgrade (400 "Invalid Upgrade header").
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static SocketIoServer fromBeforeAll;
    private final SocketIoServer fromConstructor;

    RealServerTest(SocketIoServer server) {
        this.fromConstructor = server;
    }

    @BeforeAll
    static void beforeAll(SocketIoServer server) {
        fromBeforeAll = server;
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void handshakeUsesTheConfiguredOptions(SocketIoServer server) throws Exception {
        HttpResponse<String> response = get(server.url() + "/socket.io/?EIO=4&transport=polling");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("0{").contains("\"pingInterval\":300");
    }

    @Test
    void errorEndpointAnswersWithTheRequestedStatus(SocketIoServer server) throws Exception {
        HttpResponse<String> response =
                get(server.url() + "/errors/status/503/socket.io/?EIO=4&transport=polling");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"code\":99,\"message\":\"status 503\"}");
    }

    @Test
    void everyInjectionPointGetsTheSameServer(SocketIoServer server) {
        assertThat(server).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
        assertThat(server.isAlive()).isTrue();
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
        assertThat(server.output()).contains(SocketIoServer.LISTENING_PREFIX + server.port());
    }

    @Nested
    class NestedWithoutAnnotation {
        @Test
        void sharesTheEnclosingServer(SocketIoServer server) {
            assertThat(server).isSameAs(fromBeforeAll);
        }
    }

    @Nested
    @RealServer
    class NestedWithAnnotation {
        @Test
        void getsItsOwnServer(SocketIoServer server) throws Exception {
            assertThat(server).isNotSameAs(fromBeforeAll);
            assertThat(get(server.url() + "/socket.io/?EIO=4&transport=polling").body())
                    .contains("\"pingInterval\":25000");
        }
    }
}
