package dev.tether.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Redirects} on an OkHttp client, against two loopback servers: what is followed, and how. */
class RedirectsTest {
  private static final long WAIT_SECONDS = 10;
  private final MockWebServer server = new MockWebServer();
  private final MockWebServer other = new MockWebServer();

  @BeforeEach void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    other.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach void stop() throws IOException {
    server.close();
    other.close();
  }

  private static OkHttpClient client(boolean follow, boolean crossOrigin) {
    return new OkHttpClient.Builder().followRedirects(false).followSslRedirects(false)
        .addInterceptor(new Redirects(follow, true, crossOrigin)).build();
  }

  /** On 127.0.0.1 (MockWebServer's own {@code url()} says {@code localhost}). */
  private static okhttp3.HttpUrl url(MockWebServer on, String path) {
    return okhttp3.HttpUrl.get("http://127.0.0.1:" + on.getPort() + path);
  }

  private Request.Builder request(String path) {
    return new Request.Builder().url(url(server, path)).header("X-Api-Key", "k").header("Authorization", "Bearer a");
  }

  private static MockResponse redirect(int status, String location) {
    return new MockResponse.Builder().code(status).setHeader("Location", location).build();
  }

  @Test void aRedirectWithinTheOriginIsFollowedWithEveryHeader() throws Exception {
    server.enqueue(redirect(302, "/elsewhere/?EIO=4"));
    server.enqueue(new MockResponse.Builder().body("there").build());
    try (Response response = client(true, false).newCall(request("/first/").build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("there");
    }
    server.takeRequest();
    RecordedRequest followed = server.takeRequest();
    assertThat(followed.getTarget()).isEqualTo("/elsewhere/?EIO=4");
    assertThat(followed.getHeaders().get("X-Api-Key")).isEqualTo("k");
    assertThat(followed.getHeaders().get("Authorization")).isEqualTo("Bearer a");
  }

  @Test void aWebSocketHandshakeIsFollowedWithinTheOrigin() throws Exception {
    server.enqueue(redirect(307, "/real/"));
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() { }).build());
    CompletableFuture<Response> opened = new CompletableFuture<>();
    WebSocket ws = client(true, false).newWebSocket(request("/first/").build(), new WebSocketListener() {
      @Override public void onOpen(WebSocket webSocket, Response response) {
        opened.complete(response);
      }

      @Override public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        opened.completeExceptionally(t);
      }
    });
    try {
      assertThat(opened.get(WAIT_SECONDS, TimeUnit.SECONDS).code()).isEqualTo(101);
      server.takeRequest();
      RecordedRequest followed = server.takeRequest();
      assertThat(followed.getTarget()).isEqualTo("/real/");
      assertThat(followed.getHeaders().get("Upgrade")).isEqualTo("websocket");
      assertThat(followed.getHeaders().get("X-Api-Key")).isEqualTo("k");
    } finally {
      ws.cancel();
    }
  }

  @Test void aWebSocketHandshakeIsNotFollowedToAnotherOrigin() throws Exception {
    server.enqueue(redirect(302, url(other, "/socket.io/").toString()));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    client(true, false).newWebSocket(request("/").build(), new WebSocketListener() {
      @Override public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        failed.complete(t);
      }
    });
    assertThat(failed.get(WAIT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(Redirects.RedirectRefusedException.class);
    assertThat(other.getRequestCount()).isZero();
  }

  @Test void anotherOriginIsRefusedNamingItWithoutQueryValues() throws Exception {
    server.enqueue(redirect(301, url(other, "/socket.io/?EIO=4&token=secret").toString()));
    assertThatThrownBy(() -> client(true, false).newCall(request("/").build()).execute())
        .isInstanceOfSatisfying(Redirects.RedirectRefusedException.class, e -> {
          assertThat(e.status).isEqualTo(301);
          assertThat(e.target).isEqualTo("http://127.0.0.1:" + other.getPort() + "/socket.io/?EIO=4&token=…");
          assertThat(e.getMessage()).doesNotContain("secret");
        });
    assertThat(other.getRequestCount()).isZero();
  }

  @Test void anotherPortOrSchemeIsAnotherOrigin() {
    okhttp3.HttpUrl a = okhttp3.HttpUrl.get("http://example.com/a");
    assertThat(Redirects.sameOrigin(a, okhttp3.HttpUrl.get("http://example.com:80/b?x=1"))).isTrue();
    assertThat(Redirects.sameOrigin(a, okhttp3.HttpUrl.get("http://example.com:8080/a"))).isFalse();
    assertThat(Redirects.sameOrigin(a, okhttp3.HttpUrl.get("https://example.com/a"))).isFalse();
    assertThat(Redirects.sameOrigin(a, okhttp3.HttpUrl.get("http://www.example.com/a"))).isFalse();
  }

  @Test void optedInAnotherOriginIsFollowedAsOkHttpWouldWithoutAuthorization() throws Exception {
    server.enqueue(redirect(302, "http://localhost:" + other.getPort() + "/socket.io/?token=t"));
    other.enqueue(new MockResponse.Builder().body("other").build());
    try (Response response = client(true, true).newCall(request("/").build()).execute()) {
      assertThat(response.body().string()).isEqualTo("other");
    }
    RecordedRequest followed = other.takeRequest();
    assertThat(followed.getHeaders().get("X-Api-Key")).isEqualTo("k");
    assertThat(followed.getHeaders().get("Authorization")).isNull(); // the host changed
  }

  @Test void aPostFollowsOnly307And308WhichKeepItsBody() throws Exception {
    RequestBody packets = RequestBody.create("4hello", MediaType.get("text/plain;charset=UTF-8"));
    server.enqueue(redirect(302, "/moved/"));
    try (Response response = client(true, false).newCall(request("/").post(packets).build()).execute()) {
      assertThat(response.code()).as("302 would turn the POST into a GET without its packets").isEqualTo(302);
    }
    server.enqueue(redirect(307, "/moved/"));
    server.enqueue(new MockResponse.Builder().body("ok").build());
    try (Response response = client(true, false).newCall(request("/").post(packets).build()).execute()) {
      assertThat(response.body().string()).isEqualTo("ok");
    }
    server.takeRequest();
    server.takeRequest();
    RecordedRequest followed = server.takeRequest();
    assertThat(followed.getMethod()).isEqualTo("POST");
    assertThat(followed.getTarget()).isEqualTo("/moved/");
    assertThat(followed.getBody().utf8()).isEqualTo("4hello");
  }

  @Test void aClientThatFollowsNoRedirectsFollowsNone() throws Exception {
    server.enqueue(redirect(302, "/moved/"));
    server.enqueue(redirect(302, url(other, "/").toString()));
    OkHttpClient client = client(false, false);
    try (Response response = client.newCall(request("/").build()).execute()) {
      assertThat(response.code()).isEqualTo(302);
    }
    try (Response response = client.newCall(request("/").build()).execute()) {
      assertThat(response.code()).isEqualTo(302);
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(other.getRequestCount()).isZero();
  }

  @Test void aLoopEndsAfterTwentyFollowUps() throws Exception {
    for (int i = 0; i <= Redirects.MAX_FOLLOW_UPS; i++) server.enqueue(redirect(302, "/again/"));
    assertThatThrownBy(() -> client(true, false).newCall(request("/").build()).execute())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("too many redirects: 21");
    assertThat(server.getRequestCount()).isEqualTo(Redirects.MAX_FOLLOW_UPS + 1);
  }

  @Test void becomesATypedTransportError() {
    Redirects.RedirectRefusedException refused = new Redirects.RedirectRefusedException(302, "http://b:1/socket.io/");
    dev.tether.TransportException e = HttpFailures.fromIOException("handshake to http://a:1/socket.io/", refused);
    assertThat(e.kind()).isEqualTo(dev.tether.TransportException.Kind.REDIRECT_REFUSED);
    assertThat(e.httpStatus()).isEqualTo(302);
    assertThat(e.getMessage()).startsWith("handshake to http://a:1/socket.io/ failed: HTTP 302 redirect to another "
        + "origin, http://b:1/socket.io/, not followed");
  }
}
