package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectError;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.TransportException;
import dev.tether.TransportMode;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Secrets stay with their origin: a server that redirects the handshake to another origin (here
 * another port of the same host, which a host-scoped cookie would also match) must not make Tether
 * send that origin the connection's headers, query or cookies. Two loopback servers: {@code first}
 * answers every request with a 302 to {@code second}, which records what reaches it.
 */
@RealServer
class RedirectTest {
  private static final String API_KEY = "key-secret";
  private static final String TOKEN = "token-secret";
  private static final String JAR_COOKIE = "jar-secret";
  private static final String STICKY_COOKIE = "sticky-secret";

  private final SocketIoServer realServer;
  private final MockWebServer first = new MockWebServer();
  private final MockWebServer second = new MockWebServer();
  private Tether tether;

  RedirectTest(SocketIoServer realServer) {
    this.realServer = realServer;
  }

  @BeforeEach void startServers() throws IOException {
    second.setDispatcher(new Dispatcher() {
      @Override public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(404).body("not here").build();
      }
    });
    second.start(InetAddress.getByName("127.0.0.1"), 0);
    HttpUrl target = url(second);
    first.setDispatcher(new Dispatcher() {
      @Override public MockResponse dispatch(RecordedRequest request) {
        // The whole URL, query included, as a load balancer's "redirect to $host$request_uri" would.
        return new MockResponse.Builder().code(302)
            .setHeader("Location", target.resolve(request.getTarget()).toString())
            .setHeader("Set-Cookie", "sticky=" + STICKY_COOKIE + "; Path=/").build();
      }
    });
    first.start(InetAddress.getByName("127.0.0.1"), 0);
    // The application's own client, with a cookie for this host in its jar.
    OkHttpClient application = new OkHttpClient.Builder().cookieJar(new CookieJar() {
      @Override public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
      }

      @Override public List<Cookie> loadForRequest(HttpUrl url) {
        Cookie cookie = new Cookie.Builder().hostOnlyDomain("127.0.0.1").path("/").name("session").value(JAR_COOKIE)
            .build();
        return cookie.matches(url) ? List.of(cookie) : List.of();
      }
    }).build();
    tether = Tether.builder().okHttpClient(application).build();
  }

  /** On 127.0.0.1, where a host-only cookie of either server matches the other (cookies ignore ports). */
  private static HttpUrl url(MockWebServer server) {
    return HttpUrl.get("http://127.0.0.1:" + server.getPort() + "/");
  }

  @AfterEach void stopServers() throws IOException {
    tether.close();
    first.close();
    second.close();
  }

  private SocketOptions.Builder secrets(TransportMode mode) {
    return mode.builder().extraHeader("X-Api-Key", API_KEY).query("token", TOKEN).reconnection(false);
  }

  private ConnectError connectError(Socket socket) {
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    socket.onConnectError(errors::add);
    socket.connect();
    eventually().untilAsserted(() -> assertThat(errors).hasSize(1));
    return errors.get(0);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"POLLING", "WEBSOCKET"})
  void aRedirectToAnotherOriginIsRefusedAndTheOtherOriginSeesNothing(TransportMode mode) throws Exception {
    Socket socket = tether.socket(url(first).toString(), secrets(mode).build());

    ConnectError error = connectError(socket);

    assertThat(error.cause()).isInstanceOfSatisfying(TransportException.class, e -> {
      assertThat(e.kind()).isEqualTo(TransportException.Kind.REDIRECT_REFUSED);
      assertThat(e.httpStatus()).isEqualTo(302);
      assertThat(e.getMessage()).contains("http://127.0.0.1:" + second.getPort() + "/socket.io/")
          .contains("crossOriginRedirects").doesNotContain(TOKEN, API_KEY);
    });
    RecordedRequest asked = first.takeRequest(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(asked.getHeaders().get("X-Api-Key")).isEqualTo(API_KEY); // the first origin got what it was meant to
    assertThat(asked.getUrl().queryParameter("token")).isEqualTo(TOKEN);
    assertThat(second.getRequestCount()).as("requests that reached the other origin").isZero();
    assertThat(first.getRequestCount()).as("one attempt, not retried").isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"POLLING", "WEBSOCKET"})
  void optingInFollowsItWithTheHeadersQueryAndCookies(TransportMode mode) throws Exception {
    Socket socket = tether.socket(url(first).toString(), secrets(mode).crossOriginRedirects(true).build());

    ConnectError error = connectError(socket);

    RecordedRequest followed = second.takeRequest(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(followed).as("the redirect was followed").isNotNull();
    assertThat(followed.getHeaders().get("X-Api-Key")).isEqualTo(API_KEY);
    assertThat(followed.getUrl().queryParameter("token")).isEqualTo(TOKEN);
    assertThat(followed.getHeaders().get("Cookie")).contains("session=" + JAR_COOKIE).contains("sticky=" + STICKY_COOKIE);
    assertThat(error.cause()).isInstanceOfSatisfying(TransportException.class,
        e -> assertThat(e.httpStatus()).isEqualTo(404)); // the other origin's answer
  }

  /**
   * A redirect within the origin is followed, for every request of the session: the handshake, each
   * poll and each POST (307 keeps the method and the packets). A proxy in front of the real server
   * redirects {@code /moved/socket.io/...} to {@code /socket.io/...}.
   */
  @Test void aRedirectWithinTheOriginIsFollowedForEveryRequest() throws Exception {
    try (ReverseProxy proxy = ReverseProxy.start(realServer.url())) {
      proxy.redirect("/moved/", 307);
      Socket socket = tether.socket(proxy.url(), TransportMode.POLLING.builder().path("/moved/socket.io/")
          .extraHeader("X-Api-Key", API_KEY).build());
      socket.connect();
      socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(socket.emitWithAck("handshake").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).json(0).getAsJsonObject()
          .getAsJsonObject("headers").get("x-api-key").getAsString()).isEqualTo(API_KEY);
      assertThat(socket.emitWithAck("ack", "through the redirect").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
          .isEqualTo("through the redirect");
    }
  }
}
