package dev.tether.internal.engine;

import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link IncomingLimitJvmTest}, run with a small heap: connects one socket to a
 * hostile server through the public API only, prints what it sees, one line each, and returns from
 * main once the connection was lost with its reason and cause (or after 30 s).
 *
 * <p>Arguments: {@code <server url> <POLLING|WEBSOCKET> <maxIncomingMessageBytes>}. Prints
 * {@code CONNECTED}, then {@code ERROR <kind> <message>} (the Manager's connection error) and
 * {@code DISCONNECTED <reason>}, then {@code DONE} (or {@code TIMEOUT}).
 */
public final class HostileServerProbe {
  private HostileServerProbe() {
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Transport transport = Transport.valueOf(args[1]);
    long maxIncomingMessageBytes = Long.parseLong(args[2]);

    Tether tether = Tether.create();
    Socket socket = tether.socket(url, SocketOptions.builder().transports(transport).reconnection(false)
        .maxIncomingMessageBytes(maxIncomingMessageBytes).build());
    CountDownLatch lost = new CountDownLatch(2);
    socket.onConnect(() -> print("CONNECTED"));
    socket.manager().onConnectionError(error -> {
      print("ERROR " + error.kind() + " " + error.getMessage());
      lost.countDown();
    });
    socket.onDisconnect(reason -> {
      print("DISCONNECTED " + reason.wireName());
      lost.countDown();
    });
    socket.onConnectError(error -> print("CONNECT_ERROR " + error.message()));
    socket.connect();
    print(lost.await(30, TimeUnit.SECONDS) ? "DONE" : "TIMEOUT");
    tether.close();
  }

  private static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
