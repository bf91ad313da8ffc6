package dev.tether.fault;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * A loopback HTTP reverse proxy in front of the real server, for long-polling (plain HTTP requests;
 * WebSocket upgrades are not forwarded). Each request is forwarded to the upstream with its method,
 * path, query, headers and body, and the upstream's answer comes back unchanged; a held poll holds
 * one of MockWebServer's connection threads for as long as the upstream holds it.
 *
 * <p>Faults it can add, as a real proxy or load balancer would:
 * <ul>
 *   <li>{@link #limitPostBodies}: a POST whose body exceeds a limit is answered {@code 413} without
 *       being forwarded, as nginx does past {@code client_max_body_size};
 *   <li>{@link #redirect}: requests under a path prefix are redirected within this origin to the same
 *       URL without the prefix.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class ReverseProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "keep-alive", "content-length",
      "transfer-encoding", "accept-encoding", "content-encoding", "te", "upgrade", "proxy-connection");
  static final String NGINX_413 = "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n"
      + "<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n"
      + "</body>\r\n</html>\r\n";

  private final MockWebServer server = new MockWebServer();
  private final HttpUrl upstream;
  private final OkHttpClient client;
  private final Set<Call> calls = ConcurrentHashMap.newKeySet();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger refusalsLeft = new AtomicInteger();
  private volatile long maxPostBytes = Long.MAX_VALUE;
  private volatile @Nullable String redirectPrefix;
  private volatile int redirectStatus;
  private volatile boolean closed;

  private ReverseProxy(String upstreamUrl) {
    this.upstream = HttpUrl.get(upstreamUrl);
    this.client = new OkHttpClient.Builder()
        .readTimeout(0, TimeUnit.MILLISECONDS) // a long-poll is held for up to pingInterval
        .followRedirects(false)
        .retryOnConnectionFailure(false)
        .build();
    server.setDispatcher(new Forwarder());
  }

  static ReverseProxy start(String upstreamUrl) throws IOException {
    ReverseProxy proxy = new ReverseProxy(upstreamUrl);
    proxy.server.start(InetAddress.getByName("127.0.0.1"), 0);
    return proxy;
  }

  /** {@code http://127.0.0.1:<port>}, no trailing slash. */
  String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** From now on the next {@code times} POSTs with a body over {@code maxBytes} are answered 413. */
  void limitPostBodies(long maxBytes, int times) {
    refusalsLeft.set(times);
    maxPostBytes = maxBytes;
  }

  /** How many POSTs were answered 413 so far. */
  int refused() {
    return refused.get();
  }

  /** Requests whose path starts with {@code prefix} get {@code status} to the same URL without it. */
  void redirect(String prefix, int status) {
    redirectStatus = status;
    redirectPrefix = prefix;
  }

  /** Stops at once: held requests are cancelled upstream and answered 503, later ones too. */
  @Override public void close() throws IOException {
    closed = true;
    for (Call call : calls) call.cancel();
    try {
      server.close();
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private final class Forwarder extends Dispatcher {
    @Override public MockResponse dispatch(RecordedRequest request) {
      if (closed) return new MockResponse.Builder().code(503).build();
      String path = request.getTarget();
      String prefix = redirectPrefix;
      if (path != null && prefix != null && path.startsWith(prefix)) {
        return new MockResponse.Builder().code(redirectStatus)
            .setHeader("Location", path.substring(prefix.length() - 1)).build(); // keeps the '/' after the prefix
      }
      if ("POST".equals(request.getMethod()) && request.getBodySize() > maxPostBytes
          && refusalsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        refused.incrementAndGet();
        return new MockResponse.Builder().code(413).setHeader("Content-Type", "text/html")
            .setHeader("Connection", "close").body(NGINX_413).build();
      }
      try {
        return forward(request);
      } catch (IOException e) {
        return new MockResponse.Builder().code(502).body("upstream failed: " + e).build();
      }
    }

    private MockResponse forward(RecordedRequest request) throws IOException {
      Request.Builder out = new Request.Builder().url(upstream.resolve(request.getTarget()));
      Headers headers = request.getHeaders();
      for (int i = 0; i < headers.size(); i++) {
        if (!HOP_BY_HOP.contains(headers.name(i).toLowerCase(Locale.ROOT))) {
          out.addHeader(headers.name(i), headers.value(i));
        }
      }
      String method = request.getMethod();
      if ("POST".equals(method)) {
        String type = headers.get("Content-Type");
        out.post(RequestBody.create(request.getBody().toByteArray(), type == null ? null : MediaType.parse(type)));
      } else {
        out.method(method, null);
      }
      Call call = client.newCall(out.build());
      calls.add(call);
      if (closed) call.cancel(); // close() ran between the check in dispatch and here
      try (Response response = call.execute()) {
        MockResponse.Builder answer = new MockResponse.Builder().code(response.code());
        answer.clearHeaders();
        for (int i = 0; i < response.headers().size(); i++) {
          String name = response.headers().name(i);
          if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) answer.addHeader(name, response.headers().value(i));
        }
        ResponseBody body = response.body();
        Buffer copy = new Buffer();
        if (body != null) copy.writeAll(body.source());
        return answer.body(copy).build();
      } finally {
        calls.remove(call);
      }
    }
  }
}
