package dev.tether.internal.engine;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.FakeTaskScheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The v3 heartbeat alone, on virtual time: when it pings, when it gives up, when it counts as expired. */
class ClientPingHeartbeatTest {
  private final FakeTaskScheduler clock = new FakeTaskScheduler();
  private final List<Long> pingsAt = new ArrayList<>();
  private int timeouts;
  private final long start = clock.nanoTime();

  private final Heartbeat heartbeat = EngineIoV3.INSTANCE.newHeartbeat(new Heartbeat.Host() {
    @Override public Cancellable schedule(Runnable task, long delayMillis) {
      return clock.schedule(task, delayMillis, MILLISECONDS);
    }

    @Override public long nanoTime() {
      return clock.nanoTime();
    }

    @Override public void send(EnginePacket packet) {
      assertThat(packet).isEqualTo(EnginePacket.PING);
      pingsAt.add(MILLISECONDS.convert(clock.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    @Override public void onHeartbeatTimeout() {
      timeouts++;
    }
  });

  private static Handshake handshake(long interval, long timeout) {
    return new Handshake("s", Collections.<String>emptyList(), interval, timeout, 1_000_000);
  }

  @Test void pingsOnAFixedCadenceWhilePongsArrive() {
    heartbeat.start(handshake(300, 200));
    for (int i = 0; i < 5; i++) {
      clock.advanceBy(i == 0 ? 300 : 290, MILLISECONDS); // the next ping is due
      clock.advanceBy(10, MILLISECONDS); // its pong arrives 10 ms later
      heartbeat.onPong(EnginePacket.PONG);
    }
    assertThat(pingsAt).containsExactly(300L, 600L, 900L, 1200L, 1500L);
    assertThat(timeouts).isZero();
    assertThat(heartbeat.isExpired()).isFalse();
  }

  @Test void aPingWithoutPongTimesOutOncePingTimeoutAfterIt() {
    heartbeat.start(handshake(300, 200));
    clock.advanceBy(499, MILLISECONDS);
    assertThat(pingsAt).containsExactly(300L);
    assertThat(timeouts).isZero();
    clock.advanceBy(1, MILLISECONDS);
    assertThat(timeouts).isEqualTo(1);
    clock.advanceBy(10_000, MILLISECONDS);
    assertThat(timeouts).as("stopped after the timeout").isEqualTo(1);
    assertThat(pingsAt).containsExactly(300L);
  }

  @Test void aPongTimeoutLongerThanTheIntervalKeepsTheOldestPingsDeadline() {
    heartbeat.start(handshake(300, 500));
    clock.advanceBy(799, MILLISECONDS);
    assertThat(pingsAt).containsExactly(300L, 600L);
    assertThat(timeouts).isZero();
    clock.advanceBy(1, MILLISECONDS); // 500 ms after the first, unanswered ping
    assertThat(timeouts).isEqualTo(1);
  }

  @Test void aPongAnswersEveryPingSentBeforeIt() {
    heartbeat.start(handshake(300, 500));
    clock.advanceBy(650, MILLISECONDS); // pings at 300 and 600
    heartbeat.onPong(EnginePacket.PONG);
    clock.advanceBy(449, MILLISECONDS); // the ping at 900 is due by 1400
    assertThat(timeouts).isZero();
    clock.advanceBy(301, MILLISECONDS); // 1400
    assertThat(timeouts).isEqualTo(1);
  }

  @Test void isExpiredWithoutItsTimerFiringOnceTheServerHasGivenUp() {
    heartbeat.start(handshake(300, 200));
    assertThat(heartbeat.isExpired()).isFalse();
    // A device that sleeps: time moves, no timer runs. A heartbeat on a clock read directly, whose
    // timers are never run, shows the deadline.
    FakeTaskScheduler frozen = new FakeTaskScheduler();
    long[] now = {0};
    Heartbeat sleeping = EngineIoV3.INSTANCE.newHeartbeat(new Heartbeat.Host() {
      @Override public Cancellable schedule(Runnable task, long delayMillis) {
        return frozen.schedule(task, delayMillis, MILLISECONDS);
      }

      @Override public long nanoTime() {
        return now[0];
      }

      @Override public void send(EnginePacket packet) {
      }

      @Override public void onHeartbeatTimeout() {
      }
    });
    sleeping.start(handshake(300, 200));
    now[0] = MILLISECONDS.toNanos(500);
    assertThat(sleeping.isExpired()).isFalse();
    now[0] = MILLISECONDS.toNanos(501);
    assertThat(sleeping.isExpired()).isTrue();
    sleeping.stop();
    assertThat(sleeping.isExpired()).isFalse();
  }

  @Test void serverPingsAreNotAnsweredAndStopEndsEverything() {
    heartbeat.start(handshake(300, 200));
    heartbeat.onPing(EnginePacket.PING);
    assertThat(pingsAt).isEmpty();
    heartbeat.stop();
    clock.advanceBy(10_000, MILLISECONDS);
    assertThat(pingsAt).isEmpty();
    assertThat(timeouts).isZero();
  }
}
