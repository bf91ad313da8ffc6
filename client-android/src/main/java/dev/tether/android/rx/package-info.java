/**
 * RxJava 3 on Android without RxAndroid: {@link dev.tether.android.rx.LooperSchedulers#mainThread()}
 * to observe Tether's streams ({@code dev.tether.rx.RxSocket}) on the main thread. RxJava is an
 * optional dependency: add {@code io.reactivex.rxjava3:rxjava} to use this package.
 */
@NullMarked
package dev.tether.android.rx;

import org.jspecify.annotations.NullMarked;
