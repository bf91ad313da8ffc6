package dev.tether;

import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link JvmExitTest}: connects, makes one ack round-trip, lets go of Tether in the
 * way {@code mode} says, prints {@code DONE} and returns from main without {@code System.exit}, so the
 * JVM exits only if no thread keeps it alive.
 *
 * <p>Arguments: {@code <server url> <mode> [transport] [key]}; mode {@code close} calls {@link Tether#close()},
 * {@code disconnect-only} only {@link Socket#disconnect()}, {@code emit-close-wait} emits {@code flaky(key, 0)}
 * three times, disconnects, closes and waits with {@link Tether#awaitTermination}; transport is a
 * {@link TransportMode} name (default {@code UPGRADE}).
 */
public final class ExitProbe {
  private ExitProbe() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) throw new IllegalArgumentException("usage: ExitProbe <server url> <close|disconnect-only> [transport]");
    String url = args[0];
    String mode = args[1];
    TransportMode transport = args.length > 2 ? TransportMode.valueOf(args[2]) : TransportMode.UPGRADE;

    Tether tether = Tether.create();
    Socket socket = tether.socket(url, transport.options());
    socket.connect();
    socket.awaitConnected(10, TimeUnit.SECONDS);
    Object reply = socket.emitWithAck("ack", "round-trip").await(10, TimeUnit.SECONDS).arg(0);
    if (!"round-trip".equals(reply)) throw new AssertionError("unexpected ack: " + reply);
    System.out.println("CONNECTED " + socket.manager().transport());

    switch (mode) {
      case "close":
        tether.close();
        break;
      case "disconnect-only":
        socket.disconnect();
        break;
      case "emit-close-wait":
        // what a bot does at its end, then waits for the goodbye before main returns
        for (int i = 0; i < 3; i++) socket.emit("flaky", args[3], 0);
        socket.disconnect();
        tether.close();
        if (!tether.awaitTermination(10, TimeUnit.SECONDS)) System.out.println("NOT TERMINATED");
        break;
      default:
        throw new IllegalArgumentException("unknown mode " + mode);
    }
    System.out.println("DONE");
    System.out.flush();
  }
}
