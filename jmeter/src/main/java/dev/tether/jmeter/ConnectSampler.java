package dev.tether.jmeter;

import com.google.gson.JsonObject;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.jmeter.internal.ConnectSettings;
import dev.tether.jmeter.internal.SharedTether;
import dev.tether.jmeter.internal.VirtualUser;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.testelement.ThreadListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * Tether Connect: gives this JMeter thread (virtual user) a socket of its own, on a connection of
 * its own, and waits until the server accepts it. The sample ends when the namespace is joined
 * (success, connect time = latency = time to join), refused ({@code CONNECT_ERROR}, with the
 * server's message and data), or when the connect timeout passes ({@code TIMEOUT}, with the last
 * error). Every event the socket receives from then on is kept for {@link AwaitEventSampler}.
 *
 * <p>The thread's socket is closed when the thread ends, and every socket of this JVM when the test
 * ends. Thread-safety: see {@link TetherSampler}.
 */
public class ConnectSampler extends TetherSampler implements TestStateListener, ThreadListener {
  private static final long serialVersionUID = 1L;
  static final long DEFAULT_CONNECT_TIMEOUT = 10_000;
  static final int DEFAULT_INBOX_CAPACITY = 1000;

  private String url = "";
  private String server = ConnectSettings.SOCKET_IO;
  private String envelopeNameKey = "name";
  private String envelopeDataKey = "data";
  private String envelopeIdKey = "";
  private String auth = "";
  private String transports = ConnectSettings.POLLING_THEN_WEBSOCKET;
  private String headers = "";
  private long connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private boolean reconnect;
  private int inboxCapacity = DEFAULT_INBOX_CAPACITY;

  @Override void sample(SampleResult result, JMeterVariables variables) throws InterruptedException {
    String target = required(url, "URL");
    // 0 is what JMeter sets for a number a .jmx file leaves out: take it as "the default"
    long timeout = orDefault(connectTimeout, DEFAULT_CONNECT_TIMEOUT, "connect timeout");
    int capacity = (int) orDefault(inboxCapacity, DEFAULT_INBOX_CAPACITY, "inbox capacity");
    SocketOptions options = ConnectSettings.options(server, envelopeNameKey, envelopeDataKey,
        envelopeIdKey, auth, transports, headers, timeout, reconnect);
    result.setSamplerData("connect " + target + " (" + server + ")");
    VirtualUser user = VirtualUser.open(variables, target, options, capacity);
    VirtualUser.Failure failure = user.connect(timeout);
    if (failure != null) {
      fail(result, failure);
      return;
    }
    result.connectEnd();
    result.latencyEnd();
    Socket socket = user.socket();
    JsonObject data = new JsonObject();
    data.addProperty("id", socket.id());
    data.addProperty("namespace", socket.namespace());
    data.addProperty("recovered", socket.recovered());
    succeed(result, "connected", data.toString());
  }

  // ---- lifecycle: leave nothing behind for the next thread or test ------------------------------

  @Override public void threadStarted() {}

  @Override public void threadFinished() {
    VirtualUser.remove(JMeterContextService.getContext().getVariables());
  }

  @Override public void testStarted() {}

  @Override public void testStarted(String host) {}

  @Override public void testEnded() {
    SharedTether.closeAll();
  }

  @Override public void testEnded(String host) {
    SharedTether.closeAll();
  }

  // ---- properties (TestBean) ---------------------------------------------------------------------

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getServer() {
    return server;
  }

  public void setServer(String server) {
    this.server = server;
  }

  public String getEnvelopeNameKey() {
    return envelopeNameKey;
  }

  public void setEnvelopeNameKey(String envelopeNameKey) {
    this.envelopeNameKey = envelopeNameKey;
  }

  public String getEnvelopeDataKey() {
    return envelopeDataKey;
  }

  public void setEnvelopeDataKey(String envelopeDataKey) {
    this.envelopeDataKey = envelopeDataKey;
  }

  public String getEnvelopeIdKey() {
    return envelopeIdKey;
  }

  public void setEnvelopeIdKey(String envelopeIdKey) {
    this.envelopeIdKey = envelopeIdKey;
  }

  public String getAuth() {
    return auth;
  }

  public void setAuth(String auth) {
    this.auth = auth;
  }

  public String getTransports() {
    return transports;
  }

  public void setTransports(String transports) {
    this.transports = transports;
  }

  public String getHeaders() {
    return headers;
  }

  public void setHeaders(String headers) {
    this.headers = headers;
  }

  public long getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(long connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public boolean isReconnect() {
    return reconnect;
  }

  public void setReconnect(boolean reconnect) {
    this.reconnect = reconnect;
  }

  public int getInboxCapacity() {
    return inboxCapacity;
  }

  public void setInboxCapacity(int inboxCapacity) {
    this.inboxCapacity = inboxCapacity;
  }
}
