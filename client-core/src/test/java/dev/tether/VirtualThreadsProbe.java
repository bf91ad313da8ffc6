package dev.tether;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link VirtualIoThreadsTest}: opens {@code count} WebSocket connections on one
 * Tether, makes an ack round trip on each, then prints how many platform threads exist in all and
 * how many of them carry OkHttp I/O ({@code tether-io-N}, which OkHttp renames {@code OkHttp <url>}
 * while it runs a call), and exits.
 *
 * <p>Arguments: {@code <server url> <count>}. Output: {@code RESULT <platform threads> <I/O platform
 * threads> <java.specification.version>}.
 */
public final class VirtualThreadsProbe {
  private VirtualThreadsProbe() {
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int count = Integer.parseInt(args[1]);
    Tether tether = Tether.create();
    SocketOptions options = TransportMode.WEBSOCKET.options().newBuilder().forceNew(true).build();
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket socket = tether.socket(url, options);
      sockets.add(socket);
      socket.connect();
    }
    for (Socket socket : sockets) {
      socket.awaitConnected(30, TimeUnit.SECONDS);
      Object reply = socket.emitWithAck("ack", "ok").await(30, TimeUnit.SECONDS).arg(0);
      if (!"ok".equals(reply)) throw new AssertionError("unexpected ack: " + reply);
    }
    // Thread.getAllStackTraces() lists platform threads only; every socket's reader is in a read now.
    int platform = 0;
    int tetherIo = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      platform++;
      String name = thread.getName();
      if (name.startsWith("tether-io-") || name.startsWith("OkHttp http")) tetherIo++;
    }
    System.out.println("RESULT " + platform + " " + tetherIo + " "
        + System.getProperty("java.specification.version"));
    System.out.flush();
    tether.close();
  }
}
