package dev.tether.internal.http;

import java.io.IOException;
import java.net.Proxy;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Gives each plain-http request that an HTTP proxy forwards a connection of its own
 * ({@code Connection: close}). Some proxies (tinyproxy 1.11) close the client's connection after one
 * response without saying so; OkHttp would pool it and send the next POST or poll into a dead socket,
 * and Tether never retries the requests of an open session (a POST could arrive twice). A CONNECT tunnel
 * (https, wss) and a direct connection are left alone.
 *
 * <p>A network interceptor: it sees the route. Stateless and thread-safe.
 */
public final class ForwardProxyConnections implements Interceptor {
  public static final ForwardProxyConnections INSTANCE = new ForwardProxyConnections();

  private ForwardProxyConnections() {
  }

  @Override public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Connection connection = chain.connection();
    if (connection != null && connection.route().proxy().type() == Proxy.Type.HTTP && !request.isHttps()) {
      request = request.newBuilder().header("Connection", "close").build();
    }
    return chain.proceed(request);
  }
}
