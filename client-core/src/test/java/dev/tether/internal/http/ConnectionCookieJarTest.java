package dev.tether.internal.http;

import static java.util.Collections.singletonList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionCookieJar}: the cookies of one connection (an engine.io {@code io} cookie, a load
 * balancer's stickiness cookie), replayed on every later request of that connection and layered
 * over the application's own jar.
 */
class ConnectionCookieJarTest {
  static final HttpUrl HANDSHAKE = HttpUrl.get("http://example.com/socket.io/?EIO=4&transport=polling&t=abc");
  static final HttpUrl POLL = HttpUrl.get("http://example.com/socket.io/?EIO=4&transport=polling&sid=S&t=def");
  /** OkHttp turns {@code ws://} into {@code http://} before the cookie jar sees the request. */
  static final HttpUrl WEBSOCKET = HttpUrl.get("http://example.com/socket.io/?EIO=4&transport=websocket&sid=S");

  final RecordingJar application = new RecordingJar();
  final ConnectionCookieJar jar = new ConnectionCookieJar(application);

  // ---- replay ----------------------------------------------------------------------------------

  @Test void aCookieSavedFromAResponseIsSentOnLaterRequestsToTheSameHostAndPath() {
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "io=abc; Path=/; HttpOnly; SameSite=Lax"));

    assertThat(names(jar.loadForRequest(POLL))).containsExactly("io=abc");
    assertThat(names(jar.loadForRequest(WEBSOCKET))).containsExactly("io=abc");
    assertThat(names(jar.loadForRequest(HttpUrl.get("http://example.com/other/path")))).containsExactly("io=abc");
  }

  @Test void aSessionCookieWithoutExpiryIsKept() {
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "AWSALB=node7"));

    assertThat(names(jar.loadForRequest(POLL))).containsExactly("AWSALB=node7");
    assertThat(jar.snapshot()).hasSize(1);
  }

  @Test void severalCookiesOfOneResponseAreAllKept() {
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "io=abc; Path=/", "lb=node1; Path=/", "x=1; Path=/"));

    assertThat(names(jar.loadForRequest(POLL))).containsExactlyInAnyOrder("io=abc", "lb=node1", "x=1");
  }

  // ---- expiry ----------------------------------------------------------------------------------

  @Test void anAlreadyExpiredCookieIsNeitherKeptNorSent() {
    Cookie expired = new Cookie.Builder().name("io").value("old").hostOnlyDomain("example.com").path("/")
        .expiresAt(System.currentTimeMillis() - 5_000).build();
    jar.saveFromResponse(HANDSHAKE, singletonList(expired));

    assertThat(jar.loadForRequest(POLL)).isEmpty();
    assertThat(jar.snapshot()).isEmpty();
  }

  @Test void aCookieThatExpiresLaterIsNoLongerSentAndIsDroppedOnceItExpires() {
    Cookie shortLived = new Cookie.Builder().name("io").value("abc").domain("example.com").path("/")
        .expiresAt(System.currentTimeMillis() + 300).build();
    jar.saveFromResponse(HANDSHAKE, singletonList(shortLived));
    assertThat(names(jar.loadForRequest(POLL))).containsExactly("io=abc");

    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
        .until(() -> jar.loadForRequest(POLL).isEmpty());
    assertThat(jar.snapshot()).as("dropped, not just skipped").isEmpty();
  }

  @Test void aServerDeletingACookieWithMaxAgeZeroStopsItBeingSent() {
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "io=abc; Path=/"));
    jar.saveFromResponse(POLL, cookies(POLL, "io=; Path=/; Max-Age=0"));

    assertThat(jar.loadForRequest(POLL)).isEmpty();
    assertThat(jar.snapshot()).isEmpty();
  }

  // ---- matching --------------------------------------------------------------------------------

  @Test void aHostOnlyCookieIsNotSentToAnotherHostNorToASubdomain() {
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "io=abc; Path=/"));

    assertThat(jar.loadForRequest(HttpUrl.get("http://other.com/socket.io/"))).isEmpty();
    assertThat(jar.loadForRequest(HttpUrl.get("http://sub.example.com/socket.io/"))).isEmpty();
    assertThat(jar.loadForRequest(HttpUrl.get("http://example.org/socket.io/"))).isEmpty();
  }

  @Test void aDomainCookieIsSentToSubdomainsButNotToOtherHosts() {
    HttpUrl api = HttpUrl.get("http://api.example.com/socket.io/");
    jar.saveFromResponse(api, cookies(api, "lb=node1; Domain=example.com; Path=/"));

    assertThat(names(jar.loadForRequest(HttpUrl.get("http://ws.example.com/socket.io/")))).containsExactly("lb=node1");
    assertThat(names(jar.loadForRequest(HttpUrl.get("http://example.com/socket.io/")))).containsExactly("lb=node1");
    assertThat(jar.loadForRequest(HttpUrl.get("http://notexample.com/socket.io/"))).isEmpty();
  }

  @Test void aCookieWithANonMatchingPathIsNotSent() {
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "io=abc; Path=/socket.io"));

    assertThat(names(jar.loadForRequest(POLL))).containsExactly("io=abc");
    assertThat(jar.loadForRequest(HttpUrl.get("http://example.com/other/"))).isEmpty();
    assertThat(jar.loadForRequest(HttpUrl.get("http://example.com/socket.iox/"))).isEmpty();
    assertThat(jar.loadForRequest(HttpUrl.get("http://example.com/"))).isEmpty();
  }

  @Test void aSecureCookieIsSentOverHttpsOnly() {
    HttpUrl https = HttpUrl.get("https://example.com/socket.io/?EIO=4");
    jar.saveFromResponse(https, cookies(https, "io=abc; Path=/; Secure"));

    assertThat(names(jar.loadForRequest(https))).containsExactly("io=abc");
    assertThat(jar.loadForRequest(POLL)).isEmpty();
  }

  // ---- replacement -----------------------------------------------------------------------------

  @Test void aNewCookieWithTheSameNameDomainAndPathReplacesTheOldOne() {
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "lb=node1; Path=/"));
    jar.saveFromResponse(POLL, cookies(POLL, "lb=node2; Path=/"));

    assertThat(names(jar.loadForRequest(POLL))).containsExactly("lb=node2");
    assertThat(jar.snapshot()).hasSize(1);
  }

  @Test void aCookieWithTheSameNameButAnotherPathDoesNotReplaceTheOldOne() {
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "lb=root; Path=/"));
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "lb=other; Path=/other"));

    assertThat(jar.snapshot()).hasSize(2);
    assertThat(names(jar.loadForRequest(POLL))).containsExactly("lb=root");
    assertThat(names(jar.loadForRequest(HttpUrl.get("http://example.com/images/")))).containsExactly("lb=root");
  }

  @Test void twoConnectionCookiesWithTheSameNameAndDifferentMatchingPathsAreBothSent() {
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "lb=root; Path=/"));
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "lb=engine; Path=/socket.io"));

    assertThat(names(jar.loadForRequest(POLL))).containsExactlyInAnyOrder("lb=root", "lb=engine");
  }

  // ---- the application's jar -------------------------------------------------------------------

  @Test void theConnectionsCookieWinsOverTheApplicationJarsCookieOfTheSameName() {
    application.stored.put("lb", cookie(HANDSHAKE, "lb=from-app; Path=/"));
    application.stored.put("theme", cookie(HANDSHAKE, "theme=dark; Path=/"));
    jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "lb=from-server; Path=/"));
    application.stored.put("lb", cookie(HANDSHAKE, "lb=from-app; Path=/")); // the app jar keeps its own

    assertThat(names(jar.loadForRequest(POLL))).containsExactlyInAnyOrder("lb=from-server", "theme=dark");
  }

  @Test void theApplicationJarsCookiesAreSentWhenTheConnectionHasNone() {
    application.stored.put("auth", cookie(HANDSHAKE, "auth=token; Path=/"));

    assertThat(names(jar.loadForRequest(POLL))).containsExactly("auth=token");
    assertThat(application.loads).containsExactly(POLL);
  }

  @Test void theApplicationJarReceivesEverySaveFromResponseCallUnchanged() {
    List<Cookie> first = cookies(HANDSHAKE, "io=abc; Path=/", "lb=node1; Path=/");
    List<Cookie> deleted = cookies(POLL, "io=; Path=/; Max-Age=0");
    jar.saveFromResponse(HANDSHAKE, first);
    jar.saveFromResponse(POLL, deleted);

    assertThat(application.saves).hasSize(2);
    assertThat(application.saves.get(0).url).isEqualTo(HANDSHAKE);
    assertThat(application.saves.get(0).cookies).isEqualTo(first);
    assertThat(application.saves.get(1).url).isEqualTo(POLL);
    assertThat(application.saves.get(1).cookies).as("even the deletion").isEqualTo(deleted);
  }

  @Test void twoConnectionsOverOneApplicationJarDoNotSeeEachOthersCookies() {
    CookieJar forgetful = new CookieJar() { // like OkHttp's default NO_COOKIES, but accepts saves
      @Override public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
      }

      @Override public List<Cookie> loadForRequest(HttpUrl url) {
        return Collections.emptyList();
      }
    };
    ConnectionCookieJar first = new ConnectionCookieJar(forgetful);
    ConnectionCookieJar second = new ConnectionCookieJar(forgetful);
    first.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "io=first; Path=/"));

    assertThat(names(first.loadForRequest(POLL))).containsExactly("io=first");
    assertThat(second.loadForRequest(POLL)).isEmpty();
    assertThat(second.snapshot()).isEmpty();
  }

  @Test void eachConnectionKeepsItsOwnStickyCookieEvenWhenTheSharedApplicationJarHoldsTheOthers() {
    ConnectionCookieJar first = new ConnectionCookieJar(application);
    ConnectionCookieJar second = new ConnectionCookieJar(application);
    first.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "lb=node1; Path=/"));
    second.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "lb=node2; Path=/")); // the app jar now says node2

    assertThat(names(first.loadForRequest(POLL))).containsExactly("lb=node1");
    assertThat(names(second.loadForRequest(POLL))).containsExactly("lb=node2");
  }

  // ---- threads ---------------------------------------------------------------------------------

  @Test void concurrentSavesAndLoadsFromOkHttpThreadsAreSafe() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        final int thread = t;
        done.add(threads.submit((Callable<Void>) () -> {
          for (int i = 0; i < 2_000; i++) {
            jar.saveFromResponse(HANDSHAKE, cookies(HANDSHAKE, "c" + thread + "=" + i + "; Path=/"));
            List<Cookie> loaded = jar.loadForRequest(POLL);
            assertThat(names(loaded)).contains("c" + thread + "=" + i);
          }
          return null;
        }));
      }
      for (Future<?> future : done) future.get(30, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
    assertThat(names(jar.loadForRequest(POLL)))
        .containsExactlyInAnyOrder("c0=1999", "c1=1999", "c2=1999", "c3=1999");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  static Cookie cookie(HttpUrl url, String setCookie) {
    Cookie cookie = Cookie.parse(url, setCookie);
    assertThat(cookie).as("Set-Cookie: %s", setCookie).isNotNull();
    return cookie;
  }

  static List<Cookie> cookies(HttpUrl url, String... setCookies) {
    List<Cookie> list = new ArrayList<>();
    for (String setCookie : setCookies) list.add(cookie(url, setCookie));
    return list;
  }

  /** {@code name=value} of each cookie, in order. */
  static List<String> names(List<Cookie> cookies) {
    List<String> list = new ArrayList<>();
    for (Cookie cookie : cookies) list.add(cookie.name() + "=" + cookie.value());
    return list;
  }

  /** An application jar that stores cookies by name and records every call. Thread-safe. */
  static final class RecordingJar implements CookieJar {
    static final class Save {
      final HttpUrl url;
      final List<Cookie> cookies;

      Save(HttpUrl url, List<Cookie> cookies) {
        this.url = url;
        this.cookies = cookies;
      }
    }

    final Map<String, Cookie> stored = Collections.synchronizedMap(new LinkedHashMap<String, Cookie>());
    final List<Save> saves = Collections.synchronizedList(new ArrayList<Save>());
    final List<HttpUrl> loads = Collections.synchronizedList(new ArrayList<HttpUrl>());

    @Override public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
      saves.add(new Save(url, new ArrayList<>(cookies)));
      for (Cookie cookie : cookies) stored.put(cookie.name(), cookie);
    }

    @Override public List<Cookie> loadForRequest(HttpUrl url) {
      loads.add(url);
      List<Cookie> result = new ArrayList<>();
      synchronized (stored) {
        for (Cookie cookie : stored.values()) {
          if (cookie.matches(url) && cookie.expiresAt() > System.currentTimeMillis()) result.add(cookie);
        }
      }
      return result;
    }
  }
}
