package dev.tether.samples;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.engine.EngineOptions;
import dev.tether.internal.engine.EnginePacket;
import dev.tether.internal.engine.EngineSocket;
import dev.tether.internal.engine.Handshake;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.testserver.SocketIoServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;

/**
 * Starts the real socket.io server, opens an Engine.IO v4 long-polling session to it, joins the
 * root namespace, asks the server for three "news" events, echoes a reply, and closes everything so
 * the JVM exits.
 *
 * <p>This sample drives Tether's internal Engine.IO layer and writes Socket.IO packets by hand,
 * because the public {@code Socket} API is not built yet; it will be replaced by the news/reply
 * demo on {@code tether.socket(url)}.
 */
public final class EngineEchoSample {
  public static void main(String[] args) throws Exception {
    try (SocketIoServer server = SocketIoServer.start("{\"pingInterval\":2000,\"pingTimeout\":1000}")) {
      System.out.println("socket.io server listening at " + server.url());
      TetherRuntime runtime = TetherRuntime.create(new TetherRuntime.Config());
      SerialExecutor loop = runtime.newLoop("sample");
      CountDownLatch closed = new CountDownLatch(1);
      EngineSocket[] socket = new EngineSocket[1];

      EngineSocket.Listener listener = new EngineSocket.Listener() {
        int news;

        @Override public void onOpen(Handshake handshake) {
          System.out.println("open: " + handshake);
          send(socket[0], "0"); // Socket.IO CONNECT to "/"
        }

        @Override public void onMessage(EnginePacket message) {
          String text = message.text();
          System.out.println("< " + (text != null ? text : message));
          if (text == null) return;
          if (text.startsWith("0{")) {
            send(socket[0], "2[\"emit-count\",3,\"news from the server\"]");
          } else if (text.startsWith("2[\"counted\"") && ++news == 3) {
            send(socket[0], "2[\"echo\",\"Hello Node.JS\"]");
          } else if (text.startsWith("2[\"echo\"")) {
            socket[0].close();
          }
        }

        @Override public void onPing() {
          System.out.println("< ping (answered)");
        }

        @Override public void onUpgrade(String transport) {
          System.out.println("upgraded to " + transport);
        }

        @Override public void onUpgradeFailed(TransportException error) {
          System.out.println("upgrade failed, staying on polling: " + error.getMessage());
        }

        @Override public void onOpenFailed(TransportException error) {
          System.out.println("could not connect: " + error.kind() + ": " + error.getMessage());
          closed.countDown();
        }

        @Override public void onClose(DisconnectReason reason, TransportException cause) {
          System.out.println("closed: " + reason + (cause != null ? " (" + cause.getMessage() + ")" : ""));
          closed.countDown();
        }
      };

      EngineOptions options = EngineOptions.builder(HttpUrl.get(server.url())).build();
      loop.execute(() -> {
        socket[0] = new EngineSocket(options, loop, runtime, listener);
        socket[0].open();
      });
      if (!closed.await(20, TimeUnit.SECONDS)) System.out.println("timed out");
      runtime.close();
    }
  }

  private static void send(EngineSocket socket, String socketIoPacket) {
    try {
      System.out.println("> " + socketIoPacket);
      socket.send(EnginePacket.message(socketIoPacket));
    } catch (TransportException e) {
      System.out.println("not sent: " + e.getMessage());
    }
  }

  private EngineEchoSample() {
  }
}
