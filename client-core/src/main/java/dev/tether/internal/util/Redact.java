package dev.tether.internal.util;

import okhttp3.HttpUrl;

/** Makes URLs safe for logs, exception messages and thread names: no session id, no query values. */
public final class Redact {
  private Redact() {
  }

  /** {@code scheme://host:port/path} plus the names (never the values) of user query parameters. */
  public static String url(HttpUrl url) {
    StringBuilder out = new StringBuilder()
        .append(url.scheme()).append("://").append(url.host()).append(':').append(url.port())
        .append(url.encodedPath());
    String separator = "?";
    for (String name : url.queryParameterNames()) {
      if (name.equals("EIO") || name.equals("transport")) {
        out.append(separator).append(name).append('=').append(url.queryParameter(name));
      } else {
        out.append(separator).append(name).append("=…");
      }
      separator = "&";
    }
    return out.toString();
  }
}
