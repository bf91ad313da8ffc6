package dev.tether.internal.http;

import dev.tether.internal.util.Redact;
import java.io.IOException;
import java.net.ProtocolException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Follows HTTP redirects for one connection, so that its secrets stay with their origin. OkHttp's own
 * following (turned off on the clients this interceptor is added to) sends every header but
 * {@code Authorization}, the query the {@code Location} carries and the cookies of the jar to whatever
 * host the server names. Here:
 *
 * <ul>
 *   <li>a redirect within the origin of the request (same scheme, host and port) is followed with
 *       everything the request had;
 *   <li>one to another origin fails the request with a {@link RedirectRefusedException} naming the
 *       target, unless the connection opted in ({@code crossOriginRedirects}); then it is followed as
 *       OkHttp would, dropping {@code Authorization} when the host changes;
 *   <li>a request that carries a body (a polling POST) follows only 307 and 308, which keep the method
 *       and the body; 301, 302 and 303 would turn it into a GET without its packets, so they are not
 *       followed and the status reaches the transport as an unexpected one;
 *   <li>when the application's {@code OkHttpClient} does not follow redirects, none is followed (and
 *       an https → http change of scheme only when it follows SSL redirects).
 * </ul>
 *
 * Added as an application interceptor: OkHttp applies those to WebSocket handshakes too (network
 * interceptors it does not).
 *
 * <p>Immutable and thread-safe.
 */
public final class Redirects implements Interceptor {
  /** As in OkHttp (and Chrome, Firefox): more than this many hops is a loop. */
  static final int MAX_FOLLOW_UPS = 20;

  private final boolean follow;
  private final boolean followSsl;
  private final boolean crossOrigin;

  /**
   * @param follow the application's client follows redirects at all
   * @param followSsl it follows those that change the scheme
   * @param crossOrigin the connection opted in to redirects to another origin
   */
  public Redirects(boolean follow, boolean followSsl, boolean crossOrigin) {
    this.follow = follow;
    this.followSsl = followSsl;
    this.crossOrigin = crossOrigin;
  }

  @Override public Response intercept(Chain chain) throws IOException {
    HttpUrl origin = chain.request().url();
    Request request = chain.request();
    Response response = chain.proceed(request);
    for (int followUps = 0; ; followUps++) {
      Request next = followUp(origin, request, response);
      if (next == null) return response;
      response.close();
      if (followUps == MAX_FOLLOW_UPS) {
        throw new ProtocolException("too many redirects: " + (followUps + 1) + ", last to " + Redact.url(next.url()));
      }
      request = next;
      response = chain.proceed(request);
    }
  }

  /** The request to make next, or null to hand {@code response} to the caller as it is. */
  private @Nullable Request followUp(HttpUrl origin, Request request, Response response) throws IOException {
    int code = response.code();
    if (!follow || !isRedirect(code)) return null;
    boolean keepsBody = code == 307 || code == 308;
    if (request.body() != null && !keepsBody) return null;
    String location = response.header("Location");
    if (location == null) return null;
    HttpUrl target = request.url().resolve(location);
    if (target == null) return null; // not http(s): the status goes up as it is
    boolean sameHost = target.host().equals(request.url().host());
    if (!sameOrigin(origin, target)) {
      if (!crossOrigin) {
        response.close();
        throw new RedirectRefusedException(code, Redact.url(target));
      }
      if (!target.scheme().equals(request.url().scheme()) && !followSsl) return null;
    }
    Request.Builder next = request.newBuilder().url(target);
    if (!sameHost) next.removeHeader("Authorization");
    return next.build();
  }

  public static boolean sameOrigin(HttpUrl a, HttpUrl b) {
    return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
  }

  private static boolean isRedirect(int code) {
    return code == 300 || code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
  }

  /**
   * A redirect to another origin that was not followed. An {@link IOException} because OkHttp's
   * callbacks carry only those; {@link HttpFailures} turns it into a {@code TransportException} of kind
   * {@code REDIRECT_REFUSED}.
   */
  public static final class RedirectRefusedException extends IOException {
    private static final long serialVersionUID = 1L;
    public final int status;
    public final String target;

    RedirectRefusedException(int status, String redactedTarget) {
      super("HTTP " + status + " redirect to another origin, " + redactedTarget + ", not followed: it would "
          + "receive this connection's headers, query and cookies (ConnectionOptions.crossOriginRedirects)");
      this.status = status;
      this.target = redactedTarget;
    }
  }
}
