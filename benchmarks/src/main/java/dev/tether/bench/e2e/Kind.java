package dev.tether.bench.e2e;

import java.util.Locale;
import java.util.function.Supplier;

/** The clients the scenarios compare. */
public enum Kind {
  /** Tether, as an application uses it: one {@code Tether}, typed listeners, Gson binding. */
  TETHER(TetherClient::new),
  /** The floor: raw OkHttp speaking Engine.IO/Socket.IO by hand, parsing each event with Gson. */
  FLOOR(FloorClient::new),
  /** The peer: io.socket:socket.io-client 2.1.2 on the same OkHttp as Tether (5.5.1) with a large Dispatcher. */
  PEER(PeerClient::new),
  /** The JavaScript client, socket.io-client 4.8.4 from npm on Node: one Node process per run. */
  JS(JsClient::new);

  private final Supplier<Client> factory;

  Kind(Supplier<Client> factory) {
    this.factory = factory;
  }

  public Client create() {
    return factory.get();
  }

  /** {@code tether}, {@code floor}, {@code peer}, {@code js}: the keys of the results. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Kind parse(String key) {
    return valueOf(key.trim().toUpperCase(Locale.ROOT));
  }
}
