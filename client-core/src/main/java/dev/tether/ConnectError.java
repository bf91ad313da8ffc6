package dev.tether;

import com.google.gson.JsonElement;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * Why a namespace could not connect: the server refused it (middleware error, unknown namespace),
 * the CONNECT reply did not come in time, or the connection itself failed.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConnectError {
  private final String message;
  private final @Nullable JsonElement data;
  private final @Nullable Throwable cause;
  private final Args dataArgs;

  /** For Tether's own use and tests. */
  public ConnectError(String message, @Nullable JsonElement data, @Nullable Throwable cause, Args dataArgs) {
    this.message = message;
    this.data = data;
    this.cause = cause;
    this.dataArgs = dataArgs;
  }

  /** The server's error message (e.g. {@code "not authorized"}), or a description of the local failure. */
  public String message() {
    return message;
  }

  /**
   * The server's {@code data} as plain Java, as {@link Args#arg(int)} gives it ({@code String},
   * {@code Long}, {@code Double}, {@code Boolean}, {@code List}, {@code Map}); null when it sent none.
   */
  public @Nullable Object data() {
    return dataArgs.size() == 0 ? null : dataArgs.arg(0);
  }

  /** The server's {@code data} bound to {@code type} through Gson; null when it sent none. */
  public <T> @Nullable T data(Class<T> type) {
    return dataArgs.size() == 0 ? null : dataArgs.arg(0, type);
  }

  /** As {@link #data(Class)} for generic types (e.g. {@code new TypeToken<Map<String, List<String>>>(){}.getType()}). */
  public <T> @Nullable T data(Type type) {
    return dataArgs.size() == 0 ? null : dataArgs.<T>arg(0, type);
  }

  /** The server's {@code data} as Gson JSON (a copy), or null when it sent none. */
  public @Nullable JsonElement dataJson() {
    return data == null ? null : data.deepCopy();
  }

  /**
   * The local cause: a {@link TransportException} when the connection failed, an
   * {@link AckTimeoutException}-like timeout, the auth provider's exception; null for a refusal by the server.
   */
  public @Nullable Throwable cause() {
    return cause;
  }

  /** True when the server refused the namespace (as opposed to a local or network failure). */
  public boolean isServerRefusal() {
    return cause == null;
  }

  @Override public String toString() {
    return "ConnectError{" + message + (data != null ? ", data=" + data : "") + (cause != null ? ", cause=" + cause : "") + "}";
  }
}
