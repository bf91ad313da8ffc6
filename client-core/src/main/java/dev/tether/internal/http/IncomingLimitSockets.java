package dev.tether.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * OkHttp (4, and still 5.5) reads a whole WebSocket message into memory before anyone sees it, and has no setting to
 * bound it. This puts an {@link IncomingMessageGuard} under OkHttp instead, on the plaintext of every
 * WebSocket connection: {@link #webSocketClient} derives, from the client Tether uses for HTTP, one for
 * WebSockets only, whose sockets carry the guard:
 *
 * <ul>
 *   <li>{@code ws://}: its {@link SocketFactory} wraps each new TCP socket. A WebSocket through an HTTP
 *       proxy is a plain request to the proxy, so it is covered too.
 *   <li>{@code wss://}: its {@link SSLSocketFactory} wraps the TLS socket (directly, or inside an HTTP
 *       proxy's CONNECT tunnel), so the guard reads decrypted bytes. The TLS socket itself is made by
 *       the application's (or the platform's) factory on the bare TCP socket, so trust, pinning and
 *       platform TLS are untouched.
 *   <li>Its own connection pool that keeps no idle connection: a WebSocket never shares a socket with
 *       polling, never reuses one, and every byte a guarded socket carries has passed its guard.
 *   <li>An interceptor that removes OkHttp's {@code permessage-deflate} offer: a compressed message
 *       could inflate to any size from a few counted bytes. A server that compresses anyway is refused.
 * </ul>
 *
 * <p>Everything else is the derived client's: proxy, proxy authenticator, authenticator, trust
 * manager, certificate pinner, hostname verifier, interceptors, timeouts, dispatcher. The application's
 * {@link OkHttpClient} is never modified.
 *
 * <p>Not covered: {@code ws://} through a SOCKS proxy (OkHttp makes that socket itself, not through
 * the factory); {@link WebSocketTransport} still refuses such a message once OkHttp has read it.
 * Sockets made this way do not offer TLS extensions that OkHttp configures through platform-specific
 * socket classes (ALPN on Android, session tickets); a WebSocket needs neither.
 *
 * <p>Thread-safe: the factories are stateless; each socket has its own guard.
 */
public final class IncomingLimitSockets {
  private IncomingLimitSockets() {
  }

  /** Removes the compression offer OkHttp adds to every WebSocket upgrade request. */
  private static final Interceptor NO_COMPRESSION = chain -> chain.proceed(
      chain.request().newBuilder().removeHeader("Sec-WebSocket-Extensions").build());

  /** A client for WebSockets whose messages may not exceed {@code maxMessageBytes}. */
  public static OkHttpClient webSocketClient(OkHttpClient base, long maxMessageBytes) {
    OkHttpClient.Builder builder = base.newBuilder()
        .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
        .socketFactory(new GuardedSocketFactory(base.socketFactory(), maxMessageBytes))
        .addInterceptor(NO_COMPRESSION);
    X509TrustManager trustManager = base.x509TrustManager();
    if (trustManager != null) { // null only for a cleartext-only client, which never makes TLS sockets
      builder.sslSocketFactory(new GuardedSslSocketFactory(base.sslSocketFactory(), maxMessageBytes), trustManager);
    }
    return builder.build();
  }

  /** Makes TCP sockets through the given factory and puts a guard on each. */
  static final class GuardedSocketFactory extends SocketFactory {
    private final SocketFactory delegate;
    private final long limit;

    GuardedSocketFactory(SocketFactory delegate, long limit) {
      this.delegate = delegate;
      this.limit = limit;
    }

    private Socket guard(Socket socket) {
      return new GuardedSocket(socket, new IncomingMessageGuard(limit));
    }

    @Override public Socket createSocket() throws IOException {
      return guard(delegate.createSocket());
    }

    @Override public Socket createSocket(String host, int port) throws IOException {
      return guard(delegate.createSocket(host, port));
    }

    @Override public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return guard(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override public Socket createSocket(InetAddress host, int port) throws IOException {
      return guard(delegate.createSocket(host, port));
    }

    @Override public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return guard(delegate.createSocket(address, port, localAddress, localPort));
    }
  }

  /**
   * Makes TLS sockets through the given factory, always on a bare TCP socket (a guarded one is
   * unwrapped first, so the platform's TLS implementation sees the socket it expects), and guards the
   * TLS socket's plaintext instead.
   */
  static final class GuardedSslSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final long limit;

    GuardedSslSocketFactory(SSLSocketFactory delegate, long limit) {
      this.delegate = delegate;
      this.limit = limit;
    }

    @Override public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
      IncomingMessageGuard guard;
      Socket bare = socket;
      if (socket instanceof GuardedSocket) {
        // The guard of the TCP socket (which read at most a proxy's CONNECT answer) moves up to TLS.
        GuardedSocket tcp = (GuardedSocket) socket;
        guard = tcp.guard;
        bare = tcp.delegate;
        guard.startOver();
      } else {
        guard = new IncomingMessageGuard(limit); // e.g. a SOCKS proxy's socket, made by OkHttp itself
      }
      return new GuardedSslSocket((SSLSocket) delegate.createSocket(bare, host, port, autoClose), guard);
    }

    private Socket guard(Socket socket) {
      return new GuardedSslSocket((SSLSocket) socket, new IncomingMessageGuard(limit));
    }

    @Override public Socket createSocket() throws IOException {
      return guard(delegate.createSocket());
    }

    @Override public Socket createSocket(String host, int port) throws IOException {
      return guard(delegate.createSocket(host, port));
    }

    @Override public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return guard(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override public Socket createSocket(InetAddress host, int port) throws IOException {
      return guard(delegate.createSocket(host, port));
    }

    @Override public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return guard(delegate.createSocket(address, port, localAddress, localPort));
    }
  }

  /**
   * A TCP socket whose streams pass through a guard. Everything else is the delegate's. Methods newer
   * than Java 8 ({@code setOption}, ...) are not forwarded; OkHttp does not use them.
   */
  static final class GuardedSocket extends Socket {
    final Socket delegate;
    final IncomingMessageGuard guard;
    private @Nullable InputStream input; // guarded by this
    private @Nullable OutputStream output; // guarded by this

    GuardedSocket(Socket delegate, IncomingMessageGuard guard) {
      this.delegate = delegate;
      this.guard = guard;
    }

    @Override public synchronized InputStream getInputStream() throws IOException {
      if (input == null) input = guard.input(delegate.getInputStream());
      return input;
    }

    @Override public synchronized OutputStream getOutputStream() throws IOException {
      if (output == null) output = guard.output(delegate.getOutputStream());
      return output;
    }

    @Override public boolean isInputShutdown() {
      return guard.refusesReuse() || delegate.isInputShutdown();
    }

    @Override public void close() throws IOException {
      guard.beforeClose();
      delegate.close();
    }

    @Override public void connect(SocketAddress endpoint) throws IOException {
      delegate.connect(endpoint);
    }

    @Override public void connect(SocketAddress endpoint, int timeout) throws IOException {
      delegate.connect(endpoint, timeout);
    }

    @Override public void bind(SocketAddress bindpoint) throws IOException {
      delegate.bind(bindpoint);
    }

    @Override public InetAddress getInetAddress() {
      return delegate.getInetAddress();
    }

    @Override public InetAddress getLocalAddress() {
      return delegate.getLocalAddress();
    }

    @Override public int getPort() {
      return delegate.getPort();
    }

    @Override public int getLocalPort() {
      return delegate.getLocalPort();
    }

    @Override public SocketAddress getRemoteSocketAddress() {
      return delegate.getRemoteSocketAddress();
    }

    @Override public SocketAddress getLocalSocketAddress() {
      return delegate.getLocalSocketAddress();
    }

    @Override public SocketChannel getChannel() {
      return delegate.getChannel();
    }

    @Override public void setTcpNoDelay(boolean on) throws SocketException {
      delegate.setTcpNoDelay(on);
    }

    @Override public boolean getTcpNoDelay() throws SocketException {
      return delegate.getTcpNoDelay();
    }

    @Override public void setSoLinger(boolean on, int linger) throws SocketException {
      delegate.setSoLinger(on, linger);
    }

    @Override public int getSoLinger() throws SocketException {
      return delegate.getSoLinger();
    }

    @Override public void sendUrgentData(int data) throws IOException {
      delegate.sendUrgentData(data);
    }

    @Override public void setOOBInline(boolean on) throws SocketException {
      delegate.setOOBInline(on);
    }

    @Override public boolean getOOBInline() throws SocketException {
      return delegate.getOOBInline();
    }

    @Override public void setSoTimeout(int timeout) throws SocketException {
      delegate.setSoTimeout(timeout);
    }

    @Override public int getSoTimeout() throws SocketException {
      return delegate.getSoTimeout();
    }

    @Override public void setSendBufferSize(int size) throws SocketException {
      delegate.setSendBufferSize(size);
    }

    @Override public int getSendBufferSize() throws SocketException {
      return delegate.getSendBufferSize();
    }

    @Override public void setReceiveBufferSize(int size) throws SocketException {
      delegate.setReceiveBufferSize(size);
    }

    @Override public int getReceiveBufferSize() throws SocketException {
      return delegate.getReceiveBufferSize();
    }

    @Override public void setKeepAlive(boolean on) throws SocketException {
      delegate.setKeepAlive(on);
    }

    @Override public boolean getKeepAlive() throws SocketException {
      return delegate.getKeepAlive();
    }

    @Override public void setTrafficClass(int tc) throws SocketException {
      delegate.setTrafficClass(tc);
    }

    @Override public int getTrafficClass() throws SocketException {
      return delegate.getTrafficClass();
    }

    @Override public void setReuseAddress(boolean on) throws SocketException {
      delegate.setReuseAddress(on);
    }

    @Override public boolean getReuseAddress() throws SocketException {
      return delegate.getReuseAddress();
    }

    @Override public void shutdownInput() throws IOException {
      guard.beforeClose();
      delegate.shutdownInput();
    }

    @Override public void shutdownOutput() throws IOException {
      guard.beforeClose();
      delegate.shutdownOutput();
    }

    @Override public boolean isConnected() {
      return delegate.isConnected();
    }

    @Override public boolean isBound() {
      return delegate.isBound();
    }

    @Override public boolean isClosed() {
      return delegate.isClosed();
    }

    @Override public boolean isOutputShutdown() {
      return delegate.isOutputShutdown();
    }

    @Override public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
      delegate.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override public String toString() {
      return "Guarded" + delegate;
    }
  }

  /**
   * A TLS socket whose plaintext streams pass through a guard. Everything else is the delegate's;
   * methods newer than Java 8 (ALPN's {@code getApplicationProtocol}, ...) are not forwarded, and
   * OkHttp treats their absence as "no ALPN", which is what a WebSocket (HTTP/1.1) asks for anyway.
   */
  static final class GuardedSslSocket extends SSLSocket {
    final SSLSocket delegate;
    final IncomingMessageGuard guard;
    private @Nullable InputStream input; // guarded by this
    private @Nullable OutputStream output; // guarded by this

    GuardedSslSocket(SSLSocket delegate, IncomingMessageGuard guard) {
      this.delegate = delegate;
      this.guard = guard;
    }

    @Override public synchronized InputStream getInputStream() throws IOException {
      if (input == null) input = guard.input(delegate.getInputStream());
      return input;
    }

    @Override public synchronized OutputStream getOutputStream() throws IOException {
      if (output == null) output = guard.output(delegate.getOutputStream());
      return output;
    }

    @Override public boolean isInputShutdown() {
      return guard.refusesReuse() || delegate.isInputShutdown();
    }

    @Override public void close() throws IOException {
      guard.beforeClose();
      delegate.close();
    }

    // ---- SSLSocket ----

    @Override public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override public String[] getEnabledCipherSuites() {
      return delegate.getEnabledCipherSuites();
    }

    @Override public void setEnabledCipherSuites(String[] suites) {
      delegate.setEnabledCipherSuites(suites);
    }

    @Override public String[] getSupportedProtocols() {
      return delegate.getSupportedProtocols();
    }

    @Override public String[] getEnabledProtocols() {
      return delegate.getEnabledProtocols();
    }

    @Override public void setEnabledProtocols(String[] protocols) {
      delegate.setEnabledProtocols(protocols);
    }

    @Override public SSLSession getSession() {
      return delegate.getSession();
    }

    @Override public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
      delegate.addHandshakeCompletedListener(listener);
    }

    @Override public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
      delegate.removeHandshakeCompletedListener(listener);
    }

    @Override public void startHandshake() throws IOException {
      delegate.startHandshake();
    }

    @Override public void setUseClientMode(boolean mode) {
      delegate.setUseClientMode(mode);
    }

    @Override public boolean getUseClientMode() {
      return delegate.getUseClientMode();
    }

    @Override public void setNeedClientAuth(boolean need) {
      delegate.setNeedClientAuth(need);
    }

    @Override public boolean getNeedClientAuth() {
      return delegate.getNeedClientAuth();
    }

    @Override public void setWantClientAuth(boolean want) {
      delegate.setWantClientAuth(want);
    }

    @Override public boolean getWantClientAuth() {
      return delegate.getWantClientAuth();
    }

    @Override public void setEnableSessionCreation(boolean flag) {
      delegate.setEnableSessionCreation(flag);
    }

    @Override public boolean getEnableSessionCreation() {
      return delegate.getEnableSessionCreation();
    }

    @Override public SSLParameters getSSLParameters() {
      return delegate.getSSLParameters();
    }

    @Override public void setSSLParameters(SSLParameters params) {
      delegate.setSSLParameters(params);
    }

    // ---- Socket ----

    @Override public void connect(SocketAddress endpoint) throws IOException {
      delegate.connect(endpoint);
    }

    @Override public void connect(SocketAddress endpoint, int timeout) throws IOException {
      delegate.connect(endpoint, timeout);
    }

    @Override public void bind(SocketAddress bindpoint) throws IOException {
      delegate.bind(bindpoint);
    }

    @Override public InetAddress getInetAddress() {
      return delegate.getInetAddress();
    }

    @Override public InetAddress getLocalAddress() {
      return delegate.getLocalAddress();
    }

    @Override public int getPort() {
      return delegate.getPort();
    }

    @Override public int getLocalPort() {
      return delegate.getLocalPort();
    }

    @Override public SocketAddress getRemoteSocketAddress() {
      return delegate.getRemoteSocketAddress();
    }

    @Override public SocketAddress getLocalSocketAddress() {
      return delegate.getLocalSocketAddress();
    }

    @Override public SocketChannel getChannel() {
      return delegate.getChannel();
    }

    @Override public void setTcpNoDelay(boolean on) throws SocketException {
      delegate.setTcpNoDelay(on);
    }

    @Override public boolean getTcpNoDelay() throws SocketException {
      return delegate.getTcpNoDelay();
    }

    @Override public void setSoLinger(boolean on, int linger) throws SocketException {
      delegate.setSoLinger(on, linger);
    }

    @Override public int getSoLinger() throws SocketException {
      return delegate.getSoLinger();
    }

    @Override public void sendUrgentData(int data) throws IOException {
      delegate.sendUrgentData(data);
    }

    @Override public void setOOBInline(boolean on) throws SocketException {
      delegate.setOOBInline(on);
    }

    @Override public boolean getOOBInline() throws SocketException {
      return delegate.getOOBInline();
    }

    @Override public void setSoTimeout(int timeout) throws SocketException {
      delegate.setSoTimeout(timeout);
    }

    @Override public int getSoTimeout() throws SocketException {
      return delegate.getSoTimeout();
    }

    @Override public void setSendBufferSize(int size) throws SocketException {
      delegate.setSendBufferSize(size);
    }

    @Override public int getSendBufferSize() throws SocketException {
      return delegate.getSendBufferSize();
    }

    @Override public void setReceiveBufferSize(int size) throws SocketException {
      delegate.setReceiveBufferSize(size);
    }

    @Override public int getReceiveBufferSize() throws SocketException {
      return delegate.getReceiveBufferSize();
    }

    @Override public void setKeepAlive(boolean on) throws SocketException {
      delegate.setKeepAlive(on);
    }

    @Override public boolean getKeepAlive() throws SocketException {
      return delegate.getKeepAlive();
    }

    @Override public void setTrafficClass(int tc) throws SocketException {
      delegate.setTrafficClass(tc);
    }

    @Override public int getTrafficClass() throws SocketException {
      return delegate.getTrafficClass();
    }

    @Override public void setReuseAddress(boolean on) throws SocketException {
      delegate.setReuseAddress(on);
    }

    @Override public boolean getReuseAddress() throws SocketException {
      return delegate.getReuseAddress();
    }

    @Override public void shutdownInput() throws IOException {
      guard.beforeClose();
      delegate.shutdownInput();
    }

    @Override public void shutdownOutput() throws IOException {
      guard.beforeClose();
      delegate.shutdownOutput();
    }

    @Override public boolean isConnected() {
      return delegate.isConnected();
    }

    @Override public boolean isBound() {
      return delegate.isBound();
    }

    @Override public boolean isClosed() {
      return delegate.isClosed();
    }

    @Override public boolean isOutputShutdown() {
      return delegate.isOutputShutdown();
    }

    @Override public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
      delegate.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override public String toString() {
      return "Guarded" + delegate;
    }
  }
}
