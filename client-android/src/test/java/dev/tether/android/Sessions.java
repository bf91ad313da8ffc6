package dev.tether.android;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.Socket;
import dev.tether.Subscription;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Connection state recovery needs the client to have an event offset: these helpers give it one. */
final class Sessions {
  private Sessions() {
  }

  /**
   * Joins a new room and receives one broadcast to it: with recovery on, the server attaches an offset
   * to it, and from then on it can resume the session. Runs the main looper while it waits, so it
   * works with any callback executor, the main thread's included.
   */
  static void receiveABroadcast(Socket socket) {
    String room = "r-" + UUID.randomUUID();
    List<Object> news = new CopyOnWriteArrayList<>();
    Subscription listening = socket.on("room-news", event -> news.add(event.arg(0)));
    List<Object> acks = new CopyOnWriteArrayList<>();
    socket.emitWithAck("join", room).then(acks::add, acks::add);
    MainLooper.runUntil("joined " + room, () -> acks.size() == 1);
    socket.emitWithAck("broadcast-room", room, "news").then(acks::add, acks::add);
    MainLooper.runUntil("the broadcast", () -> news.size() == 1 && acks.size() == 2);
    listening.close();
    assertThat(news).containsExactly("news");
  }
}
