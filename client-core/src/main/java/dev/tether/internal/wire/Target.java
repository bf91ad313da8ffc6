package dev.tether.internal.wire;

import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/** Where a user's URL points, as a {@link ServerProtocol} reads it. Immutable. */
public final class Target {
  /** The server to connect to, without query (the URL's query becomes {@code ConnectionOptions.query}). */
  public final HttpUrl server;
  /** The namespace the URL names ({@code /} for protocols without namespaces). */
  public final String namespace;
  /** Connections to equal keys may be shared by several namespaces; null: never shared. */
  public final @Nullable String shareKey;

  public Target(HttpUrl server, String namespace, @Nullable String shareKey) {
    this.server = server;
    this.namespace = namespace;
    this.shareKey = shareKey;
  }
}
