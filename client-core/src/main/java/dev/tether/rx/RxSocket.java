package dev.tether.rx;

import dev.tether.AckCall;
import dev.tether.AckCancelledException;
import dev.tether.Args;
import dev.tether.ConnectError;
import dev.tether.ConnectErrorException;
import dev.tether.ConnectionState;
import dev.tether.Event;
import dev.tether.PayloadBindingException;
import dev.tether.Socket;
import dev.tether.Subscription;
import dev.tether.TetherException;
import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.annotations.SchedulerSupport;
import io.reactivex.rxjava3.core.BackpressureStrategy;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.ObservableEmitter;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.exceptions.CompositeException;
import io.reactivex.rxjava3.exceptions.Exceptions;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.lang.reflect.Type;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * RxJava 3 view of a {@link Socket}. Every stream is cold: subscribing registers a listener (or
 * emits), disposing removes it (or cancels), and nothing is emitted after disposal.
 *
 * <pre>{@code
 * RxSocket rx = RxSocket.from(socket);
 * rx.connect().andThen(rx.emitWithAck("join", Room.class, new Join("room-1")))
 *   .subscribe(room -> ..., error -> ...);
 * Disposable messages = rx.on("message", ChatMessage.class)
 *   .observeOn(LooperSchedulers.mainThread())
 *   .subscribe(ui::show);
 * }</pre>
 *
 * <h2>Scheduler</h2>
 * Items are emitted on the socket's callback executor (a Tether thread by default), one at a time
 * per socket; use {@code observeOn} to move them.
 *
 * <h2>Errors</h2>
 * Errors that arrive after disposal go to {@code RxJavaPlugins.onError}, as RxJava requires, except
 * the cancellation caused by the disposal itself.
 *
 * <p>Thread-safe; instances are cheap and hold no state but the socket.
 */
public final class RxSocket {
  private final Socket socket;

  private RxSocket(Socket socket) {
    this.socket = socket;
  }

  public static RxSocket from(Socket socket) {
    if (socket == null) throw new NullPointerException("socket == null");
    return new RxSocket(socket);
  }

  public Socket socket() {
    return socket;
  }

  /**
   * Connects the socket and completes once it is connected (at once if it already is). Fails when the
   * socket stops trying: on {@code DISCONNECTED} with {@link ConnectErrorException} carrying the
   * {@link ConnectError} that explains it (the server refused the namespace; a local failure such as
   * an {@link dev.tether.AuthProvider AuthProvider} that threw or a connect timeout; when reconnection
   * gives up, the last attempt's error), or with a plain {@link TetherException} when no connect error
   * came since the socket last started (re)trying (e.g. {@code disconnect()} while connecting); and
   * with a {@code TetherException} when the socket is or becomes {@code CLOSED}. Connect errors while
   * Tether keeps retrying ({@code RECONNECTING}) do not end it. Disposing stops waiting; it does not
   * disconnect. Disposed before it subscribes, it does not connect either.
   *
   * <p>This relies on the socket's order: a connect error is delivered before the {@code DISCONNECTED}
   * it causes, one after the other on the callback executor. So the failure is signalled as soon as the
   * socket is {@code DISCONNECTED}, with no wait; and a {@code retry()} subscribes again only once the
   * failed attempt has been fully delivered.
   *
   * <dl><dt><b>Scheduler:</b></dt><dd>signals on the callback executor, or on the subscribing thread
   * if the socket is already connected (or closed).</dd></dl>
   */
  @CheckReturnValue
  @SchedulerSupport(SchedulerSupport.NONE)
  public Completable connect() {
    return Completable.create(emitter -> {
      CompositeDisposable resources = new CompositeDisposable();
      emitter.setDisposable(resources);
      // Both listeners run on the callback executor, one at a time, in the socket's order.
      AtomicReference<@Nullable ConnectError> lastError = new AtomicReference<>();
      resources.add(Disposable.fromAutoCloseable(socket.onConnectError(lastError::set)));
      resources.add(Disposable.fromAutoCloseable(socket.onStateChange(state -> {
        switch (state) {
          case CONNECTED:
            emitter.onComplete();
            break;
          case DISCONNECTED:
            ConnectError error = lastError.get();
            emitter.tryOnError(error != null ? new ConnectErrorException(error) : notConnecting(state));
            break;
          case CLOSED:
            emitter.tryOnError(notConnecting(state));
            break;
          default: // CONNECTING, RECONNECTING: trying (again); earlier errors explain nothing to come
            lastError.set(null);
        }
      })));
      ConnectionState current = socket.state();
      if (current == ConnectionState.CONNECTED) {
        emitter.onComplete();
        return;
      }
      if (current == ConnectionState.CLOSED) { // final: connect() would do nothing, and nothing would follow
        emitter.tryOnError(notConnecting(current));
        return;
      }
      if (emitter.isDisposed()) return;
      socket.connect();
    });
  }

  private TetherException notConnecting(ConnectionState state) {
    return new TetherException("socket " + socket.namespace() + " is " + state + " and not connecting");
  }

  /**
   * The socket's {@link ConnectionState}: the current one first, then every change. Never completes.
   *
   * <dl><dt><b>Scheduler:</b></dt><dd>the current state on the subscribing thread, changes on the
   * callback executor.</dd></dl>
   */
  @CheckReturnValue
  public Observable<ConnectionState> state() {
    return Observable.create((ObservableEmitter<Object> emitter) -> {
      // The listener (callback executor) and this thread both emit: serialize them. The current state
      // is read when its turn comes, so it cannot overtake a change emitted before it.
      ObservableEmitter<Object> serial = emitter.serialize();
      Subscription subscription = socket.onStateChange(serial::onNext);
      serial.setCancellable(subscription::close);
      serial.onNext(CURRENT_STATE); // registered first: a change racing this read is not lost
    }).map(item -> item == CURRENT_STATE ? socket.state() : (ConnectionState) item).distinctUntilChanged();
  }

  /**
   * Every {@code event}, with all its arguments.
   *
   * <dl><dt><b>Scheduler:</b></dt><dd>the callback executor.</dd></dl>
   */
  @CheckReturnValue
  public Observable<Event> on(String event) {
    checkEvent(event);
    return Observable.create(emitter -> {
      Subscription subscription = socket.on(event, emitter::onNext);
      emitter.setCancellable(subscription::close);
    });
  }

  /**
   * Argument 0 of every {@code event}, bound to {@code type}. A value that does not bind, or a JSON
   * null (RxJava allows no nulls), ends the stream with {@link PayloadBindingException}; use
   * {@link #on(String)} to handle such events yourself.
   *
   * <dl><dt><b>Scheduler:</b></dt><dd>the callback executor.</dd></dl>
   */
  @CheckReturnValue
  public <T> Observable<T> on(String event, Class<T> type) {
    return on(event, (Type) type);
  }

  /** As {@link #on(String, Class)} for generic types. */
  @CheckReturnValue
  public <T> Observable<T> on(String event, Type type) {
    checkEvent(event);
    if (type == null) throw new NullPointerException("type == null");
    return Observable.create(emitter -> {
      Subscription subscription = socket.on(event, (Event e) -> {
        T value;
        try {
          value = e.arg(0, type);
        } catch (PayloadBindingException bindingError) {
          emitter.onError(bindingError);
          return;
        }
        if (value == null) {
          emitter.onError(new PayloadBindingException("argument 0 of event '" + event + "' is null or missing"));
          return;
        }
        emitter.onNext(value);
      });
      emitter.setCancellable(subscription::close);
    });
  }

  /**
   * Every incoming event, whatever its name.
   *
   * <dl><dt><b>Scheduler:</b></dt><dd>the callback executor.</dd></dl>
   */
  @CheckReturnValue
  public Observable<Event> onAny() {
    return Observable.create(emitter -> {
      Subscription subscription = socket.onAny(emitter::onNext);
      emitter.setCancellable(subscription::close);
    });
  }

  /**
   * Emits the event on subscription and completes once it is accepted (serialized and queued, or
   * buffered while disconnected); fails if it cannot be serialized or uses a reserved name. Socket.IO
   * confirms nothing more without an ack: use {@link #emitWithAck} for that.
   *
   * <dl><dt><b>Scheduler:</b></dt><dd>completes on the subscribing thread.</dd></dl>
   */
  @CheckReturnValue
  public Completable emit(String event, Object... args) {
    checkEvent(event);
    return Completable.fromAction(() -> socket.emit(event, args));
  }

  /**
   * Emits the event on subscription and succeeds with the server's ack. Disposing cancels the ack
   * (a buffered emit is then never sent); timeouts come from the socket's {@code ackTimeout} or Rx's
   * own {@code timeout} operator (which disposes, so cancels).
   *
   * <dl><dt><b>Scheduler:</b></dt><dd>the callback executor.</dd></dl>
   */
  @CheckReturnValue
  public Single<Args> emitWithAck(String event, Object... args) {
    checkEvent(event);
    return Single.create(emitter -> {
      if (emitter.isDisposed()) return;
      AckCall call = socket.emitWithAck(event, args);
      emitter.setCancellable(call::cancel);
      call.then(reply -> {
        try {
          emitter.onSuccess(reply); // dropped if disposed meanwhile
        } catch (Throwable downstreamCrash) {
          Exceptions.throwIfFatal(downstreamCrash);
          RxJavaPlugins.onError(downstreamCrash);
        }
      }, error -> {
        // The cancellation caused by disposing is expected; any other failure after disposal (it
        // completed the ack before the cancel) goes to RxJavaPlugins.onError, as onError does.
        if (error instanceof AckCancelledException && emitter.isDisposed()) return;
        try {
          emitter.onError(error);
        } catch (Throwable downstreamCrash) {
          Exceptions.throwIfFatal(downstreamCrash);
          RxJavaPlugins.onError(new CompositeException(error, downstreamCrash));
        }
      });
    });
  }

  /**
   * As {@link #emitWithAck(String, Object...)}, with ack argument 0 bound to {@code type}; fails with
   * {@link NoSuchElementException} when the ack has no (or a null) first argument.
   */
  @CheckReturnValue
  public <T> Single<T> emitWithAck(String event, Class<T> type, Object... args) {
    if (type == null) throw new NullPointerException("type == null");
    return emitWithAck(event, args).map(reply -> {
      T value = reply.arg(0, type);
      if (value == null) throw new NoSuchElementException("the ack of '" + event + "' has no argument 0");
      return value;
    });
  }

  /**
   * Argument 0 of every {@code event} as a {@link Flowable} with <em>local</em> backpressure.
   *
   * <dl><dt><b>Backpressure:</b></dt><dd>Socket.IO has no flow control: the server sends at its own
   * pace whatever the subscriber requests. {@code strategy} only decides what happens locally to
   * events the subscriber has not requested yet: {@code BUFFER} keeps them all (unbounded memory),
   * {@code DROP} and {@code LATEST} discard, {@code ERROR} fails with a
   * {@code MissingBackpressureException}.</dd>
   * <dt><b>Scheduler:</b></dt><dd>the callback executor.</dd></dl>
   */
  @CheckReturnValue
  public <T> Flowable<T> flowable(String event, Class<T> type, BackpressureStrategy strategy) {
    if (strategy == null) throw new NullPointerException("strategy == null");
    return on(event, type).toFlowable(strategy);
  }

  /** Stands for "the socket's state when this item is delivered" in {@link #state()}. */
  private static final Object CURRENT_STATE = new Object();

  private static void checkEvent(String event) {
    if (event == null) throw new NullPointerException("event == null");
  }
}
