package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.connected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bound on acks a socket waits for: a server that never answers cannot grow them without limit. */
@RealServer
class AckLimitIntegrationTest {
  private static final int LIMIT = 10_000;

  private final SocketIoServer server;
  private final Tether tether = Tether.create();

  AckLimitIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() {
    tether.close();
  }

  @Test void theEmitWithAckBeyondTenThousandUnansweredOnesFailsAtOnceAndIsNotSent() throws Exception {
    Socket socket = connected(tether.socket(server.url(), SocketOptions.builder().transports(Transport.WEBSOCKET).build()));
    AtomicInteger sent = new AtomicInteger();
    socket.onAnyOutgoing(event -> {
      if (event.name().equals("unanswered")) sent.incrementAndGet();
    });
    List<AckCall> outstanding = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) outstanding.add(socket.emitWithAck("unanswered", i)); // no handler: never acked

    AtomicReference<Throwable> refusal = new AtomicReference<>();
    CountDownLatch refused = new CountDownLatch(1);
    AckCall last = socket.emitWithAck("unanswered", LIMIT).then(args -> refused.countDown(), error -> {
      refusal.set(error);
      refused.countDown();
    });

    // Its failure is delivered in turn with the socket's listeners, after the outgoing events of the
    // 10,000 emits written before it.
    assertThat(refused.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(refusal.get()).isInstanceOf(TooManyAcksException.class)
        .hasMessage("10000 acks are outstanding on this socket already (the server has not answered them); "
            + "the emit of 'unanswered' was not sent");
    assertThat(last.isDone()).isTrue();
    assertThat(sent).as("emits written").hasValue(LIMIT);
    assertThat(outstanding).noneMatch(AckCall::isDone);

    // An ack that completes makes room for the next one.
    outstanding.get(0).cancel();
    assertThat(socket.emitWithAck("ack", "room again").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
        .isEqualTo("room again");
  }
}
