package dev.tether;

import org.jspecify.annotations.Nullable;

/**
 * Supplies the {@code auth} payload of a namespace CONNECT. Called before every connect and every
 * reconnect, so a refreshed token is picked up. Runs on a Tether background thread, never on an
 * event loop or the callback executor, so it may block (to refresh a token, say). A provider that
 * throws fails that connect attempt with a connect error (its {@code cause} is what was thrown). On a
 * first {@code connect()} the socket then stops. While reconnecting, a failure is taken as transient (a
 * token service briefly down): it counts as a failed attempt, and the socket tries again after the
 * reconnection backoff, within {@code reconnectionAttempts}; throw {@link AuthRefusedException} to stop
 * for good instead.
 */
@FunctionalInterface
public interface AuthProvider {
  /** Any JSON-able value that serializes to a JSON object (a {@code Map}, a POJO, a {@code JsonObject}), or null for none. */
  @Nullable Object auth() throws Exception;
}
