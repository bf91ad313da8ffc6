package dev.tether.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class SocketIoServerTest {

    @Test
    void closingTheServerMakesThePortRefuseConnections() throws Exception {
        SocketIoServer server = SocketIoServer.start();
        int port = server.port();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        }

        server.close();
        server.close(); // idempotent

        assertThat(server.isAlive()).isFalse();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void rejectsOptionsThatAreNotAJsonObject() {
        assertThatThrownBy(() -> SocketIoServer.start("[1]"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportsTheServerOutputWhenItCannotStart() {
        // An invalid option value makes socket.io throw in the Server constructor.
        assertThatThrownBy(() -> SocketIoServer.start("{\"path\":42}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited before listening")
                .hasMessageContaining("TypeError");
    }
}
