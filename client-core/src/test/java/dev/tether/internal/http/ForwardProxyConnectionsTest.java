package dev.tether.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardProxyConnections}: plain http forwarded by an HTTP proxy goes out with
 * {@code Connection: close}; a direct request keeps its connection for the next one. (Tunnels are
 * covered against tinyproxy in {@code fault.HttpProxyTest}.)
 */
class ForwardProxyConnectionsTest {
  private static OkHttpClient.Builder client() {
    return new OkHttpClient.Builder().addNetworkInterceptor(ForwardProxyConnections.INSTANCE);
  }

  @Test void aRequestAProxyForwardsHasAConnectionOfItsOwn() throws Exception {
    try (MockWebServer proxy = new MockWebServer()) {
      proxy.start(InetAddress.getByName("127.0.0.1"), 0);
      proxy.enqueue(new MockResponse.Builder().body("one").build());
      proxy.enqueue(new MockResponse.Builder().body("two").build());
      OkHttpClient client = client().proxy(new Proxy(Proxy.Type.HTTP,
          new InetSocketAddress("127.0.0.1", proxy.getPort()))).build();
      for (String expected : new String[] {"one", "two"}) {
        try (Response response = client.newCall(new Request.Builder().url("http://example.invalid/socket.io/").build())
            .execute()) {
          assertThat(response.body().string()).isEqualTo(expected);
        }
      }
      RecordedRequest first = proxy.takeRequest();
      RecordedRequest second = proxy.takeRequest();
      assertThat(first.getRequestLine()).startsWith("GET http://example.invalid/socket.io/");
      assertThat(first.getHeaders().get("Connection")).isEqualTo("close");
      assertThat(second.getExchangeIndex()).as("the second on a new connection").isZero();
    }
  }

  @Test void aDirectRequestKeepsItsConnection() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      server.enqueue(new MockResponse.Builder().body("one").build());
      server.enqueue(new MockResponse.Builder().body("two").build());
      OkHttpClient client = client().build();
      for (int i = 0; i < 2; i++) {
        try (Response response = client.newCall(new Request.Builder().url(server.url("/")).build()).execute()) {
          response.body().string();
        }
      }
      assertThat(server.takeRequest().getHeaders().get("Connection")).isEqualTo("Keep-Alive");
      assertThat(server.takeRequest().getExchangeIndex()).as("the second on the same connection").isEqualTo(1);
    }
  }
}
