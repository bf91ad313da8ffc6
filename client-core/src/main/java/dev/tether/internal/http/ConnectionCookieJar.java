package dev.tether.internal.http;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;

/**
 * The cookies of one connection, layered over the application's own {@link CookieJar}. Cookies the
 * server sets (an {@code io} cookie, a load balancer's stickiness cookie) are replayed on every later
 * request of this connection, polling and WebSocket alike, so a sticky load balancer keeps routing
 * it to the node that holds the session. They are also handed to the application's jar, as any
 * OkHttp request would.
 *
 * <p>Thread-safe: OkHttp calls it from its I/O threads.
 */
public final class ConnectionCookieJar implements CookieJar {
  private final CookieJar application;
  private final List<Cookie> cookies = new ArrayList<>(); // guarded by this

  public ConnectionCookieJar(CookieJar application) {
    this.application = application;
  }

  @Override public void saveFromResponse(HttpUrl url, List<Cookie> received) {
    synchronized (this) {
      for (Cookie cookie : received) {
        for (Iterator<Cookie> i = cookies.iterator(); i.hasNext(); ) {
          Cookie old = i.next();
          if (old.name().equals(cookie.name()) && old.domain().equals(cookie.domain())
              && old.path().equals(cookie.path())) {
            i.remove();
          }
        }
        if (cookie.expiresAt() > System.currentTimeMillis()) cookies.add(cookie);
      }
    }
    application.saveFromResponse(url, received);
  }

  @Override public List<Cookie> loadForRequest(HttpUrl url) {
    List<Cookie> own = new ArrayList<>();
    long now = System.currentTimeMillis();
    synchronized (this) {
      for (Iterator<Cookie> i = cookies.iterator(); i.hasNext(); ) {
        Cookie cookie = i.next();
        if (cookie.expiresAt() <= now) {
          i.remove();
        } else if (cookie.matches(url)) {
          own.add(cookie);
        }
      }
    }
    List<Cookie> result = new ArrayList<>(application.loadForRequest(url));
    for (Cookie cookie : own) removeNamed(result, cookie.name()); // this connection's own cookies win
    result.addAll(own);
    return result;
  }

  public synchronized List<Cookie> snapshot() {
    return new ArrayList<>(cookies);
  }

  private static void removeNamed(List<Cookie> list, String name) {
    for (Iterator<Cookie> i = list.iterator(); i.hasNext(); ) {
      if (i.next().name().equals(name)) i.remove();
    }
  }
}
