package dev.tether.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.internal.TetherRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connections share their OkHttp clients ({@link SharedClients}): a connection opened with the same
 * settings as an earlier one builds no client, yet keeps its own cookies and redirect policy.
 */
class SharedClientsTest {
  static final long LIMIT = 1 << 20;

  final List<String> applicationCookies = new ArrayList<>();
  final CookieJar applicationJar = new CookieJar() {
    @Override public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
      for (Cookie cookie : cookies) applicationCookies.add(cookie.name() + "=" + cookie.value());
    }

    @Override public List<Cookie> loadForRequest(HttpUrl url) {
      return new ArrayList<>();
    }
  };
  final TetherRuntime runtime = TetherRuntime.create(new TetherRuntime.Config()
      .okHttpClient(new OkHttpClient.Builder().cookieJar(applicationJar).build()));
  final MockWebServer server = new MockWebServer();

  @AfterEach void tearDown() {
    runtime.close();
    server.close();
  }

  @Test void aSecondConnectionWithTheSameOptionsReusesEveryClient() {
    ConnectionHttp first = new ConnectionHttp(runtime, false, LIMIT);
    ConnectionHttp second = new ConnectionHttp(runtime, false, LIMIT);

    OkHttpClient polling = ConnectionHttp.sharedClient(first.client(45_000));
    OkHttpClient opening = ConnectionHttp.sharedClient(first.openingClient(20_000));
    OkHttpClient webSocket = ConnectionHttp.sharedClient(first.webSocketClient(20_000));
    OkHttpClient pinging = ConnectionHttp.sharedClient(first.webSocketClient(20_000, 25_000));
    assertThat(ConnectionHttp.sharedClient(second.client(45_000))).isSameAs(polling);
    assertThat(ConnectionHttp.sharedClient(second.openingClient(20_000))).isSameAs(opening);
    assertThat(ConnectionHttp.sharedClient(second.webSocketClient(20_000))).isSameAs(webSocket);
    assertThat(ConnectionHttp.sharedClient(second.webSocketClient(20_000, 25_000))).isSameAs(pinging);
    // asked again by the same connection: the same too
    assertThat(ConnectionHttp.sharedClient(first.client(45_000))).isSameAs(polling);

    // the settings each asked for
    assertThat(polling.readTimeoutMillis()).isEqualTo(45_000);
    assertThat(polling.retryOnConnectionFailure()).isFalse();
    assertThat(opening.readTimeoutMillis()).isEqualTo(20_000);
    assertThat(opening.retryOnConnectionFailure()).isTrue();
    assertThat(webSocket.pingIntervalMillis()).isZero();
    assertThat(pinging.pingIntervalMillis()).isEqualTo(25_000);
    // HTTP shares one pool; WebSockets never share a connection with HTTP (IncomingLimitSockets)
    assertThat(opening.connectionPool()).isSameAs(polling.connectionPool());
    assertThat(webSocket.connectionPool()).isNotSameAs(polling.connectionPool())
        .isSameAs(pinging.connectionPool());
    assertThat(webSocket.socketFactory()).isInstanceOf(IncomingLimitSockets.GuardedSocketFactory.class);
    assertThat(polling.socketFactory()).isNotInstanceOf(IncomingLimitSockets.GuardedSocketFactory.class);
    // one dispatcher for all
    assertThat(webSocket.dispatcher()).isSameAs(polling.dispatcher());

    // another message limit: another WebSocket client, the HTTP ones unchanged
    ConnectionHttp smaller = new ConnectionHttp(runtime, true, 1024);
    assertThat(ConnectionHttp.sharedClient(smaller.webSocketClient(20_000))).isNotSameAs(webSocket);
    assertThat(ConnectionHttp.sharedClient(smaller.client(45_000))).isSameAs(polling);
  }

  @Test void theCachesAreBounded() {
    SharedClients clients = new SharedClients(new OkHttpClient());
    for (long timeout = 1; timeout <= 100; timeout++) {
      clients.client(timeout, false);
      clients.webSocketClient(timeout, timeout, 0);
    }
    assertThat(clients.cachedClients()).isLessThanOrEqualTo(3 * SharedClients.MAX_CACHED);
  }

  @Test void sharedClientsKeepEachConnectionsCookies() throws Exception {
    server.enqueue(new MockResponse.Builder().addHeader("Set-Cookie", "lb=node1; Path=/").body("a").build());
    server.enqueue(new MockResponse.Builder().body("b").build());
    server.enqueue(new MockResponse.Builder().body("a again").build());
    server.start();
    ConnectionHttp first = new ConnectionHttp(runtime, false, LIMIT);
    ConnectionHttp second = new ConnectionHttp(runtime, false, LIMIT);

    get(first, "/one");
    get(second, "/two");
    get(first, "/three");

    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Cookie")).isNull();
    RecordedRequest other = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(other.getHeaders().get("Cookie")).as("another connection's cookie").isNull();
    RecordedRequest again = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(again.getHeaders().get("Cookie")).isEqualTo("lb=node1");
    assertThat(applicationCookies).containsExactly("lb=node1"); // handed to the application's jar too
  }

  @Test void sharedClientsKeepEachConnectionsRedirectPolicy() throws Exception {
    try (MockWebServer elsewhere = new MockWebServer()) {
      elsewhere.start();
      elsewhere.enqueue(new MockResponse.Builder().body("elsewhere").build());
      String location = elsewhere.url("/there").toString().replace("localhost", "127.0.0.1");
      server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", location).build());
      server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", location).build());
      server.start();
      ConnectionHttp sameOrigin = new ConnectionHttp(runtime, false, LIMIT);
      ConnectionHttp crossOrigin = new ConnectionHttp(runtime, true, LIMIT);
      assertThat(ConnectionHttp.sharedClient(sameOrigin.client(10_000)))
          .isSameAs(ConnectionHttp.sharedClient(crossOrigin.client(10_000)));

      try (Response refused = sameOrigin.client(10_000).newCall(request("/here")).execute()) {
        throw new AssertionError("followed a cross-origin redirect: " + refused);
      } catch (Redirects.RedirectRefusedException expected) {
        // the connection did not opt in
      }
      try (Response followed = crossOrigin.client(10_000).newCall(request("/here")).execute()) {
        assertThat(followed.body().string()).isEqualTo("elsewhere");
      }
    }
  }

  private void get(ConnectionHttp connection, String path) throws Exception {
    try (Response response = connection.client(10_000).newCall(request(path)).execute()) {
      assertThat(response.isSuccessful()).isTrue();
    }
  }

  private Request request(String path) {
    return new Request.Builder().url(server.url(path)).build();
  }
}
