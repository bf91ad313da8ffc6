package dev.tether.rx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.AckCancelledException;
import dev.tether.AckTimeoutException;
import dev.tether.Args;
import dev.tether.ConnectErrorException;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Event;
import dev.tether.PayloadBindingException;
import dev.tether.SocketDisconnectedException;
import dev.tether.TetherException;
import dev.tether.TransportException;
import io.reactivex.rxjava3.core.BackpressureStrategy;
import io.reactivex.rxjava3.core.SingleObserver;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.exceptions.MissingBackpressureException;
import io.reactivex.rxjava3.exceptions.UndeliverableException;
import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The Rx contracts of {@link RxSocket}, each on a {@link FakeSocket} driven synchronously: what is
 * registered on subscribe, what is emitted, and what disposal removes or cancels.
 */
class RxSocketTest {
  private final FakeSocket socket = new FakeSocket();
  private final RxSocket rx = RxSocket.from(socket);
  /** What reached RxJavaPlugins.onError; a test that expects something there takes it out. */
  private final List<Throwable> undeliverable = new CopyOnWriteArrayList<>();

  @BeforeEach void captureUndeliverableErrors() {
    RxJavaPlugins.setErrorHandler(undeliverable::add);
  }

  @AfterEach void resetPlugins() {
    RxJavaPlugins.reset();
    assertThat(undeliverable).as("errors sent to RxJavaPlugins.onError").isEmpty();
  }

  @Test void fromRejectsNull() {
    assertThatThrownBy(() -> RxSocket.from(null)).isInstanceOf(NullPointerException.class);
    assertThat(rx.socket()).isSameAs(socket);
  }

  // ---- on(event) -------------------------------------------------------------------------------------

  @Nested class On {
    @Test void emitsEveryEventAndDisposeRemovesTheListener() {
      TestObserver<Event> observer = rx.on("news").test();
      assertThat(socket.eventListenerCount("news")).isEqualTo(1);

      socket.fireEvent("news", "a", 1L);
      socket.fireEvent("other", "ignored");
      socket.fireEvent("news", "b");
      observer.assertValueCount(2).assertNoErrors().assertNotComplete();
      assertThat(observer.values().get(0).name()).isEqualTo("news");
      assertThat(observer.values().get(0).toList()).containsExactly("a", 1L);
      assertThat(observer.values().get(1).arg(0, String.class)).isEqualTo("b");

      observer.dispose();
      assertThat(socket.eventListenerCount("news")).isZero();
      assertThat(socket.subscriptions).allSatisfy(s -> assertThat(s.closed).isTrue());
      socket.fireEvent("news", "after dispose");
      observer.assertValueCount(2).assertNoErrors().assertNotComplete();
    }

    @Test void isColdWithOneListenerPerSubscriber() {
      io.reactivex.rxjava3.core.Observable<Event> news = rx.on("news");
      assertThat(socket.eventListenerCount("news")).as("nothing before subscribe").isZero();
      TestObserver<Event> first = news.test();
      TestObserver<Event> second = news.test();
      assertThat(socket.eventListenerCount("news")).isEqualTo(2);

      socket.fireEvent("news", "x");
      first.assertValueCount(1);
      second.assertValueCount(1);

      first.dispose();
      assertThat(socket.eventListenerCount("news")).isEqualTo(1);
      socket.fireEvent("news", "y");
      first.assertValueCount(1);
      second.assertValueCount(2);
      second.dispose();
      assertThat(socket.listenerCount()).isZero();
    }

    @Test void typedEmitsArgumentZero() {
      TestObserver<String> observer = rx.on("news", String.class).test();
      socket.fireEvent("news", "a", "second argument ignored");
      socket.fireEvent("news", "b");
      observer.assertValuesOnly("a", "b");
      observer.dispose();
      assertThat(socket.listenerCount()).isZero();
    }

    @Test void typedFailsWithPayloadBindingExceptionWhenArgumentZeroDoesNotBind() {
      TestObserver<String> observer = rx.on("news", String.class).test();
      socket.fireEvent("news", "ok");
      socket.fireEvent("news", 42L);
      observer.assertValues("ok").assertError(PayloadBindingException.class);
      assertThat(socket.eventListenerCount("news")).as("the error removed the listener").isZero();
      socket.fireEvent("news", "after the error");
      observer.assertValueCount(1);
    }

    @Test void typedFailsWithPayloadBindingExceptionOnNull() {
      TestObserver<String> observer = rx.on("news", String.class).test();
      socket.fireEvent("news", (Object) null);
      observer.assertNoValues().assertError(e -> e instanceof PayloadBindingException
          && e.getMessage().contains("'news'"));
      assertThat(socket.listenerCount()).isZero();
    }

    @Test void typedFailsWithPayloadBindingExceptionOnAMissingArgument() {
      TestObserver<String> observer = rx.on("news", String.class).test();
      socket.fireEvent("news");
      observer.assertNoValues().assertError(PayloadBindingException.class);
    }

    @Test void onAnyEmitsEveryEventAndDisposeRemovesTheListener() {
      TestObserver<Event> observer = rx.onAny().test();
      socket.fireEvent("a", 1L);
      socket.fireEvent("b");
      assertThat(observer.values()).extracting(Event::name).containsExactly("a", "b");
      observer.dispose();
      assertThat(socket.anyListenerCount()).isZero();
      socket.fireEvent("c");
      observer.assertValueCount(2);
    }

    @Test void rejectsNullArguments() {
      assertThatThrownBy(() -> rx.on(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> rx.on(null, String.class)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> rx.on("news", (Class<String>) null)).isInstanceOf(NullPointerException.class);
    }
  }

  // ---- state() ---------------------------------------------------------------------------------------

  @Nested class State {
    @Test void replaysTheCurrentStateFirstThenChanges() {
      socket.state(ConnectionState.CONNECTED);
      TestObserver<ConnectionState> observer = rx.state().test();
      observer.assertValuesOnly(ConnectionState.CONNECTED);

      socket.state(ConnectionState.RECONNECTING);
      socket.state(ConnectionState.CONNECTED);
      socket.state(ConnectionState.DISCONNECTED);
      observer.assertValuesOnly(ConnectionState.CONNECTED, ConnectionState.RECONNECTING, ConnectionState.CONNECTED,
          ConnectionState.DISCONNECTED);

      observer.dispose();
      assertThat(socket.stateListenerCount()).isZero();
      socket.state(ConnectionState.CONNECTING);
      observer.assertValueCount(4);
    }

    @Test void isDistinct() {
      TestObserver<ConnectionState> observer = rx.state().test();
      // A change racing the subscription is delivered after the current state was read: no repeat.
      socket.fireState(ConnectionState.DISCONNECTED);
      socket.state(ConnectionState.CONNECTING);
      socket.fireState(ConnectionState.CONNECTING);
      socket.state(ConnectionState.CONNECTED);
      observer.assertValuesOnly(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, ConnectionState.CONNECTED);
    }

    @Test void eachSubscriberGetsTheStateCurrentWhenItSubscribes() {
      io.reactivex.rxjava3.core.Observable<ConnectionState> states = rx.state();
      TestObserver<ConnectionState> early = states.test();
      socket.state(ConnectionState.CONNECTING);
      TestObserver<ConnectionState> late = states.test();
      early.assertValuesOnly(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING);
      late.assertValuesOnly(ConnectionState.CONNECTING);
    }
  }

  // ---- connect() -------------------------------------------------------------------------------------

  @Nested class Connect {
    @Test void connectsOnSubscribeAndCompletesOnConnected() {
      io.reactivex.rxjava3.core.Completable connect = rx.connect();
      assertThat(socket.connectCalls).as("cold").isZero();
      TestObserver<Void> observer = connect.test();
      assertThat(socket.connectCalls).isEqualTo(1);

      socket.state(ConnectionState.CONNECTING);
      observer.assertNotComplete().assertNoErrors();
      socket.state(ConnectionState.CONNECTED);
      observer.assertComplete();
      assertThat(socket.listenerCount()).as("listeners removed on completion").isZero();
    }

    @Test void completesAtOnceWhenAlreadyConnected() {
      socket.state(ConnectionState.CONNECTED);
      TestObserver<Void> observer = rx.connect().test();
      observer.assertComplete();
      assertThat(socket.connectCalls).isZero();
      assertThat(socket.listenerCount()).isZero();
    }

    @Test void failsWithConnectErrorExceptionWhenTheServerRefuses() {
      TestObserver<Void> observer = rx.connect().test();
      socket.state(ConnectionState.CONNECTING);
      socket.fail(FakeSocket.refusal("not authorized"));
      observer.assertError(e -> e instanceof ConnectErrorException
          && ((ConnectErrorException) e).connectError().message().equals("not authorized"));
      assertThat(socket.listenerCount()).isZero();
    }

    @Test void waitsForTheDisconnectedThatTheConnectErrorCauses() {
      TestObserver<Void> observer = rx.connect().test();
      socket.state(ConnectionState.CONNECTING);
      socket.fireConnectError(FakeSocket.refusal("not authorized")); // the real socket: DISCONNECTED follows
      observer.assertNotComplete().assertNoErrors();
      socket.state(ConnectionState.DISCONNECTED);
      observer.assertError(ConnectErrorException.class);
      assertThat(socket.listenerCount()).isZero();
    }

    @Test void aLocalConnectFailureFailsWithConnectErrorExceptionCarryingItsCause() {
      // No reply to CONNECT in time, or an AuthProvider that threw: a connect error, then DISCONNECTED.
      TestObserver<Void> observer = rx.connect().test();
      socket.state(ConnectionState.CONNECTING);
      AckTimeoutException cause = new AckTimeoutException("namespace connect timed out");
      socket.fail(FakeSocket.localFailure("timeout", cause));
      observer.assertError(e -> e instanceof ConnectErrorException
          && ((ConnectErrorException) e).connectError().cause() == cause && e.getCause() == cause);
      assertThat(socket.listenerCount()).isZero();
    }

    @Test void failsAtOnceWithTetherExceptionWhenTheStateGoesDisconnectedWithoutAConnectError() {
      TestObserver<Void> observer = rx.connect().test();
      socket.state(ConnectionState.CONNECTING);
      socket.state(ConnectionState.DISCONNECTED); // e.g. disconnect() while connecting
      observer.assertError(e -> e instanceof TetherException && !(e instanceof ConnectErrorException)
          && e.getMessage().contains("DISCONNECTED"));
      assertThat(socket.listenerCount()).isZero();
    }

    @Test void aConnectErrorBeforeTheSocketStartedTryingAgainExplainsNothing() {
      TestObserver<Void> observer = rx.connect().test();
      socket.state(ConnectionState.CONNECTING);
      TransportException refused = new TransportException(TransportException.Kind.CONNECT_FAILED, "connection refused");
      socket.fireConnectError(FakeSocket.localFailure("connection refused", refused));
      socket.state(ConnectionState.RECONNECTING); // trying again: that error is history
      observer.assertNotComplete().assertNoErrors();
      socket.state(ConnectionState.DISCONNECTED);
      observer.assertError(e -> e instanceof TetherException && !(e instanceof ConnectErrorException));
    }

    @Test void failsWhenTheSocketIsClosed() {
      TestObserver<Void> observer = rx.connect().test();
      socket.state(ConnectionState.CLOSED);
      observer.assertError(e -> e instanceof TetherException && e.getMessage().contains("CLOSED"));
    }

    @Test void failsAtOnceWhenTheSocketIsAlreadyClosed() {
      socket.state(ConnectionState.CLOSED);
      TestObserver<Void> observer = rx.connect().test();
      observer.assertError(e -> e instanceof TetherException && e.getMessage().contains("CLOSED"));
      assertThat(socket.connectCalls).isZero();
      assertThat(socket.listenerCount()).isZero();
    }

    @Test void ignoresTransportConnectErrorsWhileReconnecting() {
      TestObserver<Void> observer = rx.connect().test();
      socket.state(ConnectionState.CONNECTING);
      TransportException refused = new TransportException(TransportException.Kind.CONNECT_FAILED, "connection refused");
      socket.state(ConnectionState.RECONNECTING);
      socket.fireConnectError(FakeSocket.localFailure("connection refused", refused));
      socket.fireConnectError(FakeSocket.localFailure("connection refused", refused));
      observer.assertNotComplete().assertNoErrors();

      socket.state(ConnectionState.CONNECTED);
      observer.assertComplete();
    }

    @Test void failsWithTheLastTransportErrorWhenReconnectionGivesUp() {
      TestObserver<Void> observer = rx.connect().test();
      socket.state(ConnectionState.CONNECTING);
      TransportException first = new TransportException(TransportException.Kind.CONNECT_FAILED, "refused 1");
      TransportException last = new TransportException(TransportException.Kind.CONNECT_FAILED, "refused 2");
      socket.state(ConnectionState.RECONNECTING);
      socket.fireConnectError(FakeSocket.localFailure("refused 1", first));
      socket.fireConnectError(FakeSocket.localFailure("refused 2", last));
      observer.assertNotComplete().assertNoErrors();

      socket.state(ConnectionState.DISCONNECTED); // the real socket gives up with no new connect error
      observer.assertError(e -> e instanceof ConnectErrorException && e.getCause() == last);
    }

    @Test void retryAfterARefusalWaitsForTheNewAttempt() {
      // retry() subscribes again inside the DISCONNECTED delivery; the new subscription is not among
      // the listeners of that delivery (as on the real socket), and waits for the new attempt.
      TestObserver<Void> observer = rx.connect().retry(1).test();
      assertThat(socket.connectCalls).isEqualTo(1);
      socket.state(ConnectionState.CONNECTING);
      socket.fail(FakeSocket.refusal("not authorized"));
      assertThat(socket.connectCalls).as("subscribed again").isEqualTo(2);
      observer.assertNotComplete().assertNoErrors();

      socket.state(ConnectionState.CONNECTING);
      socket.state(ConnectionState.CONNECTED);
      observer.assertComplete();
    }

    @Test void disposeStopsWaitingButDoesNotDisconnect() {
      TestObserver<Void> observer = rx.connect().test();
      socket.state(ConnectionState.CONNECTING);
      observer.dispose();
      assertThat(socket.disconnectCalls).isZero();
      assertThat(socket.listenerCount()).isZero();
      socket.state(ConnectionState.CONNECTED);
      observer.assertNotComplete().assertNoErrors();
    }

    @Test void disposeBeforeSubscribeDoesNotConnect() {
      TestObserver<Void> observer = rx.connect().test(true);
      assertThat(socket.connectCalls).isZero();
      assertThat(socket.listenerCount()).isZero();
      socket.state(ConnectionState.CONNECTED);
      observer.assertEmpty();
    }
  }

  // ---- emit() ----------------------------------------------------------------------------------------

  @Nested class Emit {
    @Test void emitsOnSubscribeAndCompletes() {
      io.reactivex.rxjava3.core.Completable emit = rx.emit("chat", "hi", 2L);
      assertThat(socket.emits).as("cold").isEmpty();
      emit.test().assertComplete();
      assertThat(socket.emits).hasSize(1);
      assertThat(socket.emits.get(0).event).isEqualTo("chat");
      assertThat(socket.emits.get(0).args).containsExactly("hi", 2L);
      emit.test().assertComplete();
      assertThat(socket.emits).as("once per subscription").hasSize(2);
    }

    @Test void failsForAReservedName() {
      rx.emit("disconnect").test().assertError(IllegalArgumentException.class);
      assertThat(socket.emits).isEmpty();
    }

    @Test void disposedBeforeSubscribeDoesNotEmit() {
      rx.emit("chat", "hi").test(true).assertEmpty();
      assertThat(socket.emits).isEmpty();
    }
  }

  // ---- emitWithAck() ---------------------------------------------------------------------------------

  @Nested class EmitWithAck {
    @Test void succeedsWithTheAck() {
      io.reactivex.rxjava3.core.Single<Args> ack = rx.emitWithAck("join", "room-1");
      assertThat(socket.ackCalls).as("cold").isEmpty();
      TestObserver<Args> observer = ack.test();
      FakeSocket.FakeAckCall call = socket.lastAckCall();
      assertThat(socket.emits.get(0).args).containsExactly("room-1");
      observer.assertEmpty();

      call.succeed("joined", 3L);
      observer.assertComplete().assertValueCount(1);
      assertThat(observer.values().get(0).toList()).containsExactly("joined", 3L);
      // RxJava disposes the emitter after onSuccess, so cancel() may run: a no-op on a completed ack.
      assertThat(call.isDone()).isTrue();
    }

    @Test void failsWithTheAckFailure() {
      TestObserver<Args> observer = rx.emitWithAck("join").test();
      AckTimeoutException timeout = new AckTimeoutException("no ack");
      socket.lastAckCall().fail(timeout);
      observer.assertNoValues().assertError(timeout);
    }

    @Test void failsForAReservedName() {
      rx.emitWithAck("connect").test().assertError(IllegalArgumentException.class);
      assertThat(socket.ackCalls).isEmpty();
    }

    @Test void disposeCancelsTheAck() {
      TestObserver<Args> observer = rx.emitWithAck("join").test();
      FakeSocket.FakeAckCall call = socket.lastAckCall();
      observer.dispose();
      assertThat(call.cancelCalls).isEqualTo(1);
      assertThat(call.isDone()).isTrue();

      assertThat(call.succeed("late")).as("the late ack is ignored").isFalse();
      observer.assertEmpty();
      // The AckCancelledException caused by the disposal is not an undeliverable error.
    }

    @Test void theCancellationDeliveredAfterDisposeIsNotReported() {
      TestObserver<Args> observer = rx.emitWithAck("join").test();
      FakeSocket.FakeAckCall call = socket.lastAckCall();
      call.deferDelivery = true;
      observer.dispose();
      call.deliver(); // the callback executor runs the AckCancelledException callback now
      observer.assertEmpty();
    }

    @Test void disposeBeforeSubscribeNeverEmits() {
      TestObserver<Args> observer = rx.emitWithAck("join").test(true);
      assertThat(socket.ackCalls).as("no emitWithAck at all").isEmpty();
      assertThat(socket.emits).isEmpty();
      observer.assertEmpty();
    }

    @Test void aSuccessAfterDisposeIsDropped() {
      TestObserver<Args> observer = rx.emitWithAck("join").test();
      FakeSocket.FakeAckCall call = socket.lastAckCall();
      call.deferDelivery = true;
      call.succeed("raced"); // completed on the loop before the cancel...
      observer.dispose(); // ...so the cancel does nothing,
      assertThat(call.cancelCalls).isEqualTo(1);
      call.deliver(); // and the success is delivered to a disposed observer: dropped.
      observer.assertEmpty();
    }

    @Test void anErrorAfterDisposeOtherThanTheCancellationGoesToRxJavaPlugins() {
      TestObserver<Args> observer = rx.emitWithAck("join").test();
      FakeSocket.FakeAckCall call = socket.lastAckCall();
      call.deferDelivery = true;
      SocketDisconnectedException disconnected = new SocketDisconnectedException(DisconnectReason.TRANSPORT_CLOSE);
      call.fail(disconnected); // completed on the loop before the cancel
      observer.dispose();
      call.deliver();
      observer.assertEmpty();
      assertThat(undeliverable).hasSize(1);
      Throwable reported = undeliverable.remove(0);
      assertThat(reported).isInstanceOf(UndeliverableException.class).hasCause(disconnected);
    }

    @Test void aDownstreamCrashGoesToRxJavaPlugins() {
      IllegalStateException crash = new IllegalStateException("downstream crashed");
      rx.emitWithAck("join").subscribe(new SingleObserver<Args>() {
        @Override public void onSubscribe(Disposable d) {
        }

        @Override public void onSuccess(Args args) {
          throw crash;
        }

        @Override public void onError(Throwable e) {
          throw new AssertionError("unexpected", e);
        }
      });
      socket.lastAckCall().succeed("ok"); // must not throw into the socket's callback executor
      assertThat(undeliverable).containsExactly(crash);
      undeliverable.clear();
    }

    @Test void anAckCancelledByOthersFailsTheSingle() {
      // E.g. clearSendBuffer(): not caused by this subscriber, so it is a normal error.
      TestObserver<Args> observer = rx.emitWithAck("join").test();
      socket.lastAckCall().fail(new AckCancelledException());
      observer.assertError(AckCancelledException.class);
    }

    @Test void typedMapsArgumentZero() {
      TestObserver<String> observer = rx.emitWithAck("join", String.class, "room-1").test();
      assertThat(socket.emits.get(0).args).containsExactly("room-1");
      socket.lastAckCall().succeed("joined", "ignored");
      observer.assertResult("joined");
    }

    @Test void typedFailsWithNoSuchElementExceptionOnAnEmptyAck() {
      TestObserver<String> observer = rx.emitWithAck("join", String.class).test();
      socket.lastAckCall().succeed();
      observer.assertError(e -> e instanceof NoSuchElementException && e.getMessage().contains("'join'"));
    }

    @Test void typedFailsWithNoSuchElementExceptionOnANullAck() {
      TestObserver<String> observer = rx.emitWithAck("join", String.class).test();
      socket.lastAckCall().succeed((Object) null);
      observer.assertError(NoSuchElementException.class);
    }

    @Test void typedFailsWithPayloadBindingExceptionWhenTheAckDoesNotBind() {
      TestObserver<String> observer = rx.emitWithAck("join", String.class).test();
      socket.lastAckCall().succeed(42L);
      observer.assertError(PayloadBindingException.class);
    }

    @Test void typedDisposeCancelsTheAck() {
      TestObserver<String> observer = rx.emitWithAck("join", String.class).test();
      observer.dispose();
      assertThat(socket.lastAckCall().cancelCalls).isEqualTo(1);
      observer.assertEmpty();
    }
  }

  // ---- flowable() ------------------------------------------------------------------------------------

  @Nested class Flowable {
    private void fire(long... values) {
      for (long value : values) socket.fireEvent("tick", value);
    }

    @Test void dropDiscardsWhatWasNotRequested() {
      TestSubscriber<Long> subscriber = rx.flowable("tick", Long.class, BackpressureStrategy.DROP).test(0);
      fire(1, 2, 3);
      subscriber.assertNoValues();
      subscriber.request(2);
      fire(4, 5, 6);
      subscriber.assertValuesOnly(4L, 5L);
      subscriber.request(1);
      fire(7);
      subscriber.assertValuesOnly(4L, 5L, 7L);
    }

    @Test void latestKeepsOnlyTheNewest() {
      TestSubscriber<Long> subscriber = rx.flowable("tick", Long.class, BackpressureStrategy.LATEST).test(0);
      fire(1, 2, 3);
      subscriber.assertNoValues();
      subscriber.request(1);
      subscriber.assertValuesOnly(3L);
      fire(4, 5);
      subscriber.request(1);
      subscriber.assertValuesOnly(3L, 5L);
    }

    @Test void bufferKeepsEverything() {
      TestSubscriber<Long> subscriber = rx.flowable("tick", Long.class, BackpressureStrategy.BUFFER).test(1);
      fire(1, 2, 3, 4, 5);
      subscriber.assertValuesOnly(1L);
      subscriber.request(2);
      subscriber.assertValuesOnly(1L, 2L, 3L);
      subscriber.request(Long.MAX_VALUE);
      subscriber.assertValuesOnly(1L, 2L, 3L, 4L, 5L);
    }

    @Test void errorFailsWithMissingBackpressureException() {
      TestSubscriber<Long> subscriber = rx.flowable("tick", Long.class, BackpressureStrategy.ERROR).test(1);
      fire(1, 2);
      subscriber.assertValues(1L).assertError(MissingBackpressureException.class);
      assertThat(socket.eventListenerCount("tick")).as("the error removed the listener").isZero();
    }

    @Test void cancelRemovesTheListener() {
      TestSubscriber<Long> subscriber = rx.flowable("tick", Long.class, BackpressureStrategy.BUFFER).test();
      assertThat(socket.eventListenerCount("tick")).isEqualTo(1);
      fire(1);
      subscriber.cancel();
      assertThat(socket.eventListenerCount("tick")).isZero();
      fire(2);
      subscriber.assertValuesOnly(1L);
    }

    @Test void aBindingFailureEndsTheFlowable() {
      TestSubscriber<Long> subscriber = rx.flowable("tick", Long.class, BackpressureStrategy.BUFFER).test();
      socket.fireEvent("tick", "not a number");
      subscriber.assertError(PayloadBindingException.class);
    }

    @Test void rejectsANullStrategy() {
      assertThatThrownBy(() -> rx.flowable("tick", Long.class, null)).isInstanceOf(NullPointerException.class);
    }
  }
}
