package dev.tether.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
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
      proxy.enqueue(new MockResponse().setBody("one"));
      proxy.enqueue(new MockResponse().setBody("two"));
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
      assertThat(first.getHeader("Connection")).isEqualTo("close");
      assertThat(second.getSequenceNumber()).as("the second on a new connection").isZero();
    }
  }

  @Test void aDirectRequestKeepsItsConnection() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      server.enqueue(new MockResponse().setBody("one"));
      server.enqueue(new MockResponse().setBody("two"));
      OkHttpClient client = client().build();
      for (int i = 0; i < 2; i++) {
        try (Response response = client.newCall(new Request.Builder().url(server.url("/")).build()).execute()) {
          response.body().string();
        }
      }
      assertThat(server.takeRequest().getHeader("Connection")).isEqualTo("Keep-Alive");
      assertThat(server.takeRequest().getSequenceNumber()).as("the second on the same connection").isEqualTo(1);
    }
  }
}
